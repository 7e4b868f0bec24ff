import MarkdownIt from 'markdown-it';
import { DefaultTreeAdapterMap, parse } from 'parse5';
import { Element } from './element';
import { tableFromRows } from './page-layout';

/** Plain text: blank lines separate paragraphs; everything is on page 1. */
export function partitionText(text: string): Element[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((p) => ({ kind: 'text' as const, text: p, page: 1 }));
}

/** CommonMark with GFM tables; raw HTML in the Markdown is kept for the HTML reader (which skips scripts). */
const markdown = new MarkdownIt({ html: true, linkify: false });

/** Markdown: rendered by markdown-it, then read as HTML (headings, lists, tables, paragraphs, code). */
export function partitionMarkdown(md: string): Element[] {
  return partitionHtml(markdown.render(md));
}

/** Elements whose text is not content. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object']);
/** Blocks read as one element each, by their whole text. */
const LEAF_BLOCKS = new Set([
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'pre',
  'dt',
  'dd',
  'caption',
  'figcaption',
  'summary',
  'address',
]);
/** Elements that end the running text before them (their own content is read inside them). */
const CONTAINERS = new Set([
  'html',
  'body',
  'main',
  'article',
  'section',
  'div',
  'header',
  'footer',
  'nav',
  'aside',
  'blockquote',
  'ul',
  'ol',
  'dl',
  'figure',
  'form',
  'fieldset',
  'details',
  'hr',
  'center',
]);

type Node = DefaultTreeAdapterMap['node'];
type ParentNode = DefaultTreeAdapterMap['parentNode'];

const isElement = (n: Node): n is DefaultTreeAdapterMap['element'] => 'tagName' in n;
const children = (n: Node): Node[] => ('childNodes' in n ? (n as ParentNode).childNodes : []);

/** The text of a node, tags dropped, skipped elements left out, white space collapsed. */
function textOf(n: Node, skip: (e: DefaultTreeAdapterMap['element']) => boolean = () => false): string {
  const parts: string[] = [];
  const walk = (x: Node) => {
    if (x.nodeName === '#text') parts.push((x as DefaultTreeAdapterMap['textNode']).value);
    else if (isElement(x)) {
      if (SKIPPED.has(x.tagName) || skip(x)) return;
      if (x.tagName === 'br') parts.push(' ');
      // Every element's edge is a word boundary, as every tag was for the regex reader (cells, list items, and inline tags too).
      else {
        parts.push(' ');
        children(x).forEach(walk);
        parts.push(' ');
      }
    } else children(x).forEach(walk);
  };
  walk(n);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** Rows of a table: its own rows only (a table inside a cell is part of that cell's text). */
function tableRows(table: DefaultTreeAdapterMap['element']): string[][] {
  const rows: string[][] = [];
  const visit = (n: Node) => {
    for (const c of children(n)) {
      if (!isElement(c)) continue;
      if (c.tagName === 'tr')
        rows.push(
          children(c)
            .filter(
              (x): x is DefaultTreeAdapterMap['element'] => isElement(x) && (x.tagName === 'td' || x.tagName === 'th'),
            )
            .map((cell) => textOf(cell)),
        );
      else if (c.tagName === 'thead' || c.tagName === 'tbody' || c.tagName === 'tfoot') visit(c);
    }
  };
  visit(table);
  const width = Math.max(0, ...rows.map((r) => r.length));
  return rows.filter((r) => r.some(Boolean)).map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
}

/**
 * HTML (a web page, or a Word document converted by mammoth) through parse5, the WHATWG parser:
 * omitted end tags (`<li>`, `<p>`), nested tables and stray markup read as a browser reads them.
 * Headings, paragraphs, list items (without the lists nested in them, which follow as items of
 * their own), tables (their own rows) and the running text between blocks; scripts, styles and
 * templates are not content.
 */
export function partitionHtml(html: string): Element[] {
  const out: Element[] = [];
  let running: string[] = [];
  const flush = () => {
    const text = running.join('').replace(/\s+/g, ' ').trim();
    if (text) out.push({ kind: 'text', text, page: 1 });
    running = [];
  };
  const walk = (n: Node) => {
    if (n.nodeName === '#text') {
      running.push((n as DefaultTreeAdapterMap['textNode']).value);
      return;
    }
    if (!isElement(n)) return children(n).forEach(walk);
    const tag = n.tagName;
    if (SKIPPED.has(tag)) return;
    if (tag === 'br') {
      running.push(' ');
      return;
    }
    if (tag === 'table') {
      flush();
      const rows = tableRows(n);
      if (rows.length) out.push(tableFromRows(rows, 1));
      return;
    }
    if (tag === 'li') {
      flush();
      const nested = (e: DefaultTreeAdapterMap['element']) =>
        e.tagName === 'ul' || e.tagName === 'ol' || e.tagName === 'table';
      const text = textOf(n, nested);
      if (text) out.push({ kind: 'list_item', text, page: 1 });
      // Lists and tables inside the item follow it.
      for (const c of children(n)) if (isElement(c) && nested(c)) walk(c);
      return;
    }
    if (LEAF_BLOCKS.has(tag)) {
      flush();
      const text = textOf(n);
      const level = /^h([1-6])$/.exec(tag);
      if (text)
        out.push(
          level ? { kind: 'title', text, page: 1, size: 7 - Number(level[1]) } : { kind: 'text', text, page: 1 },
        );
      return;
    }
    const block = CONTAINERS.has(tag);
    if (block) flush();
    children(n).forEach(walk);
    if (block) flush();
  };
  walk(parse(html));
  flush();
  return out;
}
