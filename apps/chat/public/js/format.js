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
 * @param {FormatNode} node
 * @param {Pick<Document, 'createElement' | 'createTextNode'>} doc
 * @returns {Node}
 */
function toDom(node, doc) {
  switch (node.kind) {
    case 'bold':
    case 'italic': {
      const element = doc.createElement(node.kind === 'bold' ? 'strong' : 'em');
      element.append(...node.children.map((child) => toDom(child, doc)));
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
