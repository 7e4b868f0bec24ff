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

/** Markdown: headings, list items, pipe tables (to HTML) and paragraphs. */
export function partitionMarkdown(md: string): Element[] {
  const out: Element[] = [];
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  let para: string[] = [];
  const flush = () => {
    if (para.length) out.push({ kind: 'text', text: para.join(' ').replace(/\s+/g, ' ').trim(), page: 1 });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      out.push({ kind: 'title', text: h[2].trim(), page: 1, size: 7 - h[1].length });
    } else if (/^\s*\|.*\|\s*$/.test(line) && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? '')) {
      flush();
      const rows: string[][] = [cells(line)];
      i += 2;
      while (i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i])) rows.push(cells(lines[i++]));
      i--;
      out.push(tableFromRows(rows, 1));
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      flush();
      out.push({ kind: 'list_item', text: line.trim(), page: 1 });
    } else if (line.trim() === '') {
      flush();
    } else {
      para.push(line.trim());
    }
  }
  flush();
  return out.filter((e) => e.text.length > 0);
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function decode(s: string): string {
  return s
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, e: string) =>
      e[0] === '#'
        ? String.fromCodePoint(
            parseInt(e.slice(e[1] === 'x' || e[1] === 'X' ? 2 : 1), e[1] === 'x' || e[1] === 'X' ? 16 : 10),
          )
        : (ENTITIES[e.toLowerCase()] ?? m),
    )
    .replace(/\s+/g, ' ')
    .trim();
}
const stripTags = (s: string) => decode(s.replace(/<[^>]+>/g, ' '));

/** HTML: scripts and styles dropped; headings, tables (re-emitted without attributes), list items, paragraphs. */
export function partitionHtml(html: string): Element[] {
  const clean = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1>/gi, '');
  const out: Element[] = [];
  const re = /<(h[1-6]|p|li|table|pre|blockquote|td|th|dd|dt)\b[^>]*>([\s\S]*?)<\/\1>/gi;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(clean))) {
    const tag = m[1].toLowerCase();
    if (tag === 'td' || tag === 'th' || tag === 'dd' || tag === 'dt') continue;
    const between = stripTags(clean.slice(last, m.index));
    if (between.length > 20) out.push({ kind: 'text', text: between, page: 1 });
    last = re.lastIndex;
    if (tag === 'table') {
      const rows = [...m[2].matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)].map((r) =>
        [...r[1].matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/gi)].map((c) => stripTags(c[1])),
      );
      if (rows.length) out.push(tableFromRows(rows, 1));
      continue;
    }
    const text = stripTags(m[2]);
    if (!text) continue;
    const level = /^h([1-6])$/.exec(tag);
    out.push(
      level
        ? { kind: 'title', text, page: 1, size: 7 - Number(level[1]) }
        : { kind: tag === 'li' ? 'list_item' : 'text', text, page: 1 },
    );
  }
  const tail = stripTags(clean.slice(last).replace(/<\/?(html|body|head)[^>]*>/gi, ' '));
  if (tail.length > 20) out.push({ kind: 'text', text: tail, page: 1 });
  return out;
}
