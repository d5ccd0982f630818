/**
 * The page's message formatting (public/js/format.js): the parse rules on their own, and the DOM it
 * builds, through a stand-in document that records exactly which nodes and properties were set.
 */
import { describe, expect, it } from 'vitest';

interface FormatNode {
  kind: string;
  text?: string;
  href?: string;
  children?: FormatNode[];
}
interface FormatModule {
  parseMessage(text: string): FormatNode[];
  renderMessage(text: string, doc: unknown): FakeNode[];
  renderExcerpt(text: string, max: number, doc: unknown): FakeNode[];
}

// Imported by URL: the page's modules are plain browser JavaScript without type declarations.
const FORMAT_MODULE = new URL('../public/js/format.js', import.meta.url).href;
const { parseMessage, renderMessage, renderExcerpt } = (await import(FORMAT_MODULE)) as FormatModule;

const text = (value: string): FormatNode => ({ kind: 'text', text: value });

describe('parseMessage', () => {
  it('leaves plain text alone', () => {
    expect(parseMessage('hello there')).toEqual([text('hello there')]);
    expect(parseMessage('')).toEqual([]);
  });

  it('renders *bold*, _italic_ and `code`, and emphasis nests', () => {
    expect(parseMessage('a *b* _c_ `d`')).toEqual([
      text('a '),
      { kind: 'bold', children: [text('b')] },
      text(' '),
      { kind: 'italic', children: [text('c')] },
      text(' '),
      { kind: 'code', text: 'd' },
    ]);
    expect(parseMessage('_x *y* z_')).toEqual([
      { kind: 'italic', children: [text('x '), { kind: 'bold', children: [text('y')] }, text(' z')] },
    ]);
  });

  it('keeps markers inside words, loose markers and code spans as typed', () => {
    for (const typed of ['snake_case_name', '2*3*4', '* not bold *', '_ nor italic _', 'window.__pwned=1', '**']) {
      expect(parseMessage(typed)).toEqual([text(typed)]);
    }
    expect(parseMessage('`*not bold* https://x.org`')).toEqual([{ kind: 'code', text: '*not bold* https://x.org' }]);
  });

  it('turns fenced blocks into code blocks, without formatting inside', () => {
    expect(parseMessage('look:\n```js\nconst a = *b*;\n<b>x</b>\n```\nafter')).toEqual([
      text('look:'),
      { kind: 'codeblock', text: 'const a = *b*;\n<b>x</b>' },
      text('after'),
    ]);
    expect(parseMessage('```one line```')).toEqual([{ kind: 'codeblock', text: 'one line' }]);
    // An unclosed fence is just text.
    expect(parseMessage('```\nnot closed')).toEqual([text('```\nnot closed')]);
  });

  it('links http and https URLs, leaving trailing punctuation out', () => {
    expect(parseMessage('see https://example.com/a?b=1#c.')).toEqual([
      text('see '),
      { kind: 'link', href: 'https://example.com/a?b=1#c', text: 'https://example.com/a?b=1#c' },
      text('.'),
    ]);
    expect(parseMessage('(http://x.org/wiki/A_(b)), ok')).toEqual([
      text('('),
      { kind: 'link', href: 'http://x.org/wiki/A_(b)', text: 'http://x.org/wiki/A_(b)' },
      text('), ok'),
    ]);
    expect(parseMessage('*https://x.org*')).toEqual([
      { kind: 'bold', children: [{ kind: 'link', href: 'https://x.org/', text: 'https://x.org' }] },
    ]);
  });

  it('never links other schemes or broken URLs', () => {
    for (const typed of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'file:///etc/passwd',
      'ftp://example.com',
      'http://[broken',
      'xhttps://example.com',
    ]) {
      expect(parseMessage(typed).some((node) => node.kind === 'link')).toBe(false);
    }
  });
});

/** A stand-in for the few DOM calls the renderer may make; anything else throws. */
class FakeNode {
  readonly children: FakeNode[] = [];
  readonly props: Record<string, string> = {};
  constructor(
    readonly tag: string,
    readonly data?: string,
  ) {}
  append(...nodes: FakeNode[]): void {
    this.children.push(...nodes);
  }
  set textContent(value: string) {
    this.children.splice(0, this.children.length, new FakeNode('#text', value));
  }
  set href(value: string) {
    this.props.href = value;
  }
  set target(value: string) {
    this.props.target = value;
  }
  set rel(value: string) {
    this.props.rel = value;
  }
  set className(value: string) {
    this.props.class = value;
  }
}
const fakeDocument = {
  createElement: (tag: string) => new FakeNode(tag),
  createTextNode: (data: string) => new FakeNode('#text', data),
};

/** The rendered tree as a compact string: tags, properties and text. */
function describeNodes(nodes: FakeNode[]): string {
  return nodes
    .map((node) => {
      if (node.tag === '#text') return JSON.stringify(node.data);
      const props = Object.entries(node.props).map(([key, value]) => ` ${key}=${JSON.stringify(value)}`);
      return `<${node.tag}${props.join('')}>${describeNodes(node.children)}</${node.tag}>`;
    })
    .join('');
}

describe('renderMessage', () => {
  it('builds elements and text nodes, never markup', () => {
    const html = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    expect(describeNodes(renderMessage(`${html} *b*`, fakeDocument))).toBe(
      `${JSON.stringify(`${html} `)}<strong>"b"</strong>`,
    );
  });

  it('renders each kind with its element, links with rel="noopener noreferrer"', () => {
    expect(describeNodes(renderMessage('_i_ `c` https://x.org/p\n```\nblock\n```', fakeDocument))).toBe(
      '<em>"i"</em>" "<code>"c"</code>" "' +
        '<a href="https://x.org/p" target="_blank" rel="noopener noreferrer">"https://x.org/p"</a>' +
        '<pre><code>"block"</code></pre>',
    );
  });
});

describe('renderExcerpt (a reply quote)', () => {
  const excerpt = (text: string, max = 100) => describeNodes(renderExcerpt(text, max, fakeDocument));

  it('formats like a message, with links as text styled like links (the quote is a button)', () => {
    expect(excerpt('Ship the *team* update: `npm run release` https://example.com/a')).toBe(
      '"Ship the "<strong>"team"</strong>" update: "<code>"npm run release"</code>" "<span class="link">"https://example.com/a"</span>',
    );
  });

  it('puts a code block on one line: its first line as code, then an ellipsis', () => {
    expect(excerpt('Try this:\n```js\nconst a = 1;\nconst b = 2;\n```')).toBe(
      '"Try this:"" "<code>"const a = 1;"</code>" …"',
    );
  });

  it('closes a fence the preview cut off, and cuts long text with an ellipsis', () => {
    expect(excerpt('```\nrun()')).toBe('<code>"run()"</code>');
    expect(excerpt('*abcdefghij* klm', 5)).toBe('<strong>"abcde"</strong>"…"');
    expect(excerpt('one\ntwo')).toBe('"one two"');
  });
});
