// @ts-check
// Light formatting of message text: *bold*, _italic_, `code`, ``` fenced blocks ``` and http(s) links.
//
// Two steps, so the rules can be tested without a browser: `parseMessage` turns text into a tree of
// plain objects, `renderMessage` turns that tree into DOM nodes. User text only ever becomes text
// nodes (createTextNode / textContent) and a link's href property, never markup: a `<script>` in a
// message is shown as those characters. Only http: and https: URLs become links, so javascript:,
// data: and every other scheme stay text.
//
// Node kinds: { kind: 'text', text } · { kind: 'bold' | 'italic', children } · { kind: 'code', text }
//             { kind: 'codeblock', text } · { kind: 'link', href, text }

/** A fence pair: ```, an optional language word and newline, the code, ```. */
const FENCE = /```(?:[\w+#.-]*\n)?([\s\S]*?)```/g;

// One scan finds the earliest inline construct; at the same position the first alternative wins, so
// code beats links beats emphasis. Emphasis markers must sit at word edges (`snake_case_name` and
// `2*3*4` stay as typed) and hug their text (`* not bold *`).
const INLINE = new RegExp(
  [
    '`(?<code>[^`\\n]+)`',
    '(?<url>\\bhttps?:\\/\\/[^\\s<>"`]+)',
    '(?<![\\p{L}\\p{N}*])\\*(?<bold>[^\\s*](?:[^*\\n]*[^\\s*])?)\\*(?![\\p{L}\\p{N}*])',
    '(?<![\\p{L}\\p{N}_])_(?<italic>[^\\s_](?:[^_\\n]*[^\\s_])?)_(?![\\p{L}\\p{N}_])',
  ].join('|'),
  'gu',
);

/** Punctuation that ends a sentence rather than a URL: "see https://example.com." */
const URL_TRAILER = /[.,;:!?'"]+$/;

/**
 * @typedef {{ kind: 'text' | 'code' | 'codeblock', text: string }
 *   | { kind: 'link', href: string, text: string }
 *   | { kind: 'bold' | 'italic', children: FormatNode[] }} FormatNode
 */

/**
 * Parses message text into the node tree described above.
 * @param {string} text
 * @returns {FormatNode[]}
 */
export function parseMessage(text) {
  /** @type {FormatNode[]} */
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(FENCE)) {
    const code = match[1].replace(/\n$/, '');
    if (code.trim() === '') continue;
    // The line breaks around a block are the block's own: the text beside it does not keep them.
    pushInline(nodes, text.slice(last, match.index).replace(/\n$/, ''));
    nodes.push({ kind: 'codeblock', text: code });
    last = (match.index ?? 0) + match[0].length;
    if (text[last] === '\n') last += 1;
  }
  pushInline(nodes, text.slice(last));
  return nodes;
}

/**
 * @param {FormatNode[]} nodes
 * @param {string} text
 */
function pushInline(nodes, text) {
  for (const node of parseInline(text)) nodes.push(node);
}

/**
 * @param {string} text
 * @returns {FormatNode[]}
 */
function parseInline(text) {
  /** @type {FormatNode[]} */
  const nodes = [];
  let last = 0;
  /** @param {string} value */
  const addText = (value) => {
    if (value === '') return;
    const previous = nodes[nodes.length - 1];
    if (previous?.kind === 'text') previous.text += value;
    else nodes.push({ kind: 'text', text: value });
  };
  for (const match of text.matchAll(INLINE)) {
    // Every alternative of INLINE is one of these named groups.
    const { code, url, bold, italic } = /** @type {Record<string, string | undefined>} */ (match.groups);
    let consumed = match[0].length;
    addText(text.slice(last, match.index));
    if (code !== undefined) {
      nodes.push({ kind: 'code', text: code });
    } else if (url !== undefined) {
      const link = linkOf(url);
      if (link) {
        nodes.push(link);
        consumed = link.text.length;
      } else {
        addText(url);
      }
    } else if (bold !== undefined) {
      nodes.push({ kind: 'bold', children: parseInline(bold) });
    } else {
      nodes.push({ kind: 'italic', children: parseInline(/** @type {string} */ (italic)) });
    }
    // A trimmed URL's tail (the punctuation) is taken as text with the next stretch.
    last = (match.index ?? 0) + consumed;
  }
  addText(text.slice(last));
  return nodes;
}

/**
 * A link node for an http(s) URL as typed, without trailing punctuation; null if it is no such URL.
 * @param {string} raw
 * @returns {{ kind: 'link', href: string, text: string } | null}
 */
function linkOf(raw) {
  let text = raw.replace(URL_TRAILER, '');
  // A closing parenthesis belongs to the URL only when it has an opening one: (https://x.org/a_(b))
  while (text.endsWith(')') && count(text, '(') < count(text, ')')) text = text.slice(0, -1).replace(URL_TRAILER, '');
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { kind: 'link', href: url.href, text };
}

/**
 * @param {string} text
 * @param {string} char
 */
function count(text, char) {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/**
 * DOM nodes for message text, built with `doc` (the page's document, or a stand-in in tests).
 * @param {string} text
 * @param {Pick<Document, 'createElement' | 'createTextNode'>} [doc]
 * @returns {Node[]}
 */
export function renderMessage(text, doc = document) {
  return parseMessage(text).map((node) => toDom(node, doc));
}

/**
 * DOM nodes for a short excerpt of message text (a reply's quote): the same formatting as a
 * message, on one line. A code block becomes inline code of its first line, line breaks become
 * spaces, and the text stops after `max` characters with "…", so a long block cannot blow up the quote.
 * @param {string} text
 * @param {number} [max]
 * @param {Pick<Document, 'createElement' | 'createTextNode'>} [doc]
 * @returns {Node[]}
 */
export function renderExcerpt(text, max = 120, doc = document) {
  const budget = { left: max, cut: false };
  /** @type {FormatNode[]} */
  const nodes = [];
  // A preview cut inside a fence still shows that fence as code, not as backticks.
  const fences = text.match(/```/g)?.length ?? 0;
  const closed = fences % 2 === 1 ? `${text}\n\`\`\`` : text;
  let afterBlock = false;
  for (const node of parseMessage(closed)) {
    // A block kept its own lines; on one line it needs a space from the text beside it.
    const block = node.kind === 'codeblock';
    if ((block || afterBlock) && nodes.length > 0) nodes.push({ kind: 'text', text: ' ' });
    afterBlock = block;
    const short = shorten(node, budget);
    if (short) nodes.push(short);
    if (budget.cut) break;
  }
  if (budget.cut) nodes.push({ kind: 'text', text: afterBlock ? ' …' : '…' });
  // The quote is itself a button (it jumps to the original): its links look like links but are not
  // a second control inside it.
  return nodes.map((node) => toDom(node, doc, true));
}

/**
 * `node` cut to what is left of the budget (null when nothing is), flattened to one line.
 * @param {FormatNode} node
 * @param {{ left: number, cut: boolean }} budget
 * @returns {FormatNode | null}
 */
function shorten(node, budget) {
  if (budget.left <= 0) {
    budget.cut = true;
    return null;
  }
  if (node.kind === 'bold' || node.kind === 'italic') {
    /** @type {FormatNode[]} */
    const children = [];
    for (const child of node.children) {
      const short = shorten(child, budget);
      if (short) children.push(short);
      if (budget.cut) break;
    }
    return children.length > 0 ? { kind: node.kind, children } : null;
  }
  if (node.kind === 'codeblock') {
    const lines = node.text.split('\n');
    const first = lines.find((line) => line.trim() !== '') ?? '';
    if (lines.filter((line) => line.trim() !== '').length > 1) budget.cut = true;
    return { kind: 'code', text: take(first.trim(), budget) };
  }
  if (node.kind === 'link') return { kind: 'link', href: node.href, text: take(node.text, budget) };
  const plain = /** @type {{ kind: 'text' | 'code', text: string }} */ (node);
  return { kind: plain.kind, text: take(plain.text.replace(/\s*\n\s*/g, ' '), budget) };
}

/**
 * The start of `text` that fits the budget (whole characters, not UTF-16 halves).
 * @param {string} text
 * @param {{ left: number, cut: boolean }} budget
 */
function take(text, budget) {
  const chars = [...text];
  if (chars.length > budget.left) {
    budget.cut = true;
    const kept = chars.slice(0, budget.left).join('').trimEnd();
    budget.left = 0;
    return kept;
  }
  budget.left -= chars.length;
  return text;
}

/**
 * @param {FormatNode} node
 * @param {Pick<Document, 'createElement' | 'createTextNode'>} doc
 * @param {boolean} [inert]  links drawn as text styled like a link (inside another control)
 * @returns {Node}
 */
function toDom(node, doc, inert = false) {
  switch (node.kind) {
    case 'bold':
    case 'italic': {
      const element = doc.createElement(node.kind === 'bold' ? 'strong' : 'em');
      element.append(...node.children.map((child) => toDom(child, doc, inert)));
      return element;
    }
    case 'code': {
      const element = doc.createElement('code');
      element.textContent = node.text;
      return element;
    }
    case 'codeblock': {
      const pre = doc.createElement('pre');
      const code = doc.createElement('code');
      code.textContent = node.text;
      pre.append(code);
      return pre;
    }
    case 'link': {
      if (inert) {
        const span = doc.createElement('span');
        span.className = 'link';
        span.textContent = node.text;
        return span;
      }
      const a = doc.createElement('a');
      a.href = node.href;
      a.textContent = node.text;
      a.target = '_blank';
      // No window.opener for the linked page, and no Referer telling it which chat it came from.
      a.rel = 'noopener noreferrer';
      return a;
    }
    default:
      return doc.createTextNode(node.text);
  }
}
