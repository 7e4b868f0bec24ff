import { decodeHtmlEntities, plainChunkText } from './text-coverage';

export interface SearchableChunk {
  text: string;
  dataType: string;
  /** Document title › section › subsection, outermost first. */
  headingPath?: string[];
}

/**
 * What a chunk is found by, in the vector and in the full-text index alike: its heading path, then
 * its text as a reader sees it (a table read row by row, each value beside its row's and its
 * column's name, so tags neither match nor lengthen the chunk).
 */
export function searchText(c: SearchableChunk): string {
  const path = (c.headingPath ?? []).filter(Boolean).join(' › ');
  const body = (c.dataType === 'table_html' ? linearTable(c.text) : plainChunkText(c)).replace(/[ \t]+/g, ' ').trim();
  return path ? `${path}\n${body}` : body;
}

const cellText = (html: string) =>
  decodeHtmlEntities(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

/**
 * A table (our own table HTML: a caption, one header row in <thead>, no nesting) as lines that read
 * like prose: "Lignocaine 2% — Packing: 30 ml; PHC: Y". A row holding only its first cell is a
 * group ("Class B") and leads the rows under it; a table without a header reads its cells in order.
 */
export function linearTable(html: string): string {
  const caption = cellText(/<caption>([\s\S]*?)<\/caption>/.exec(html)?.[1] ?? '');
  const rows = (html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []).map((tr) =>
    [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => cellText(m[1])),
  );
  const head = /<thead>/.test(html) ? rows.shift() : undefined;
  const lines = caption ? [caption] : [];
  let group = '';
  for (const r of rows) {
    const filled = r.filter(Boolean);
    if (!filled.length) continue;
    if (!head) {
      lines.push(filled.join(' | '));
      continue;
    }
    if (r.length > 1 && filled.length === 1 && r[0]) {
      group = r[0];
      lines.push(group);
      continue;
    }
    const label = [group, r[0]].filter(Boolean).join(' › ');
    const values = r
      .slice(1)
      .map((v, i) => (v && head[i + 1] ? `${head[i + 1]}: ${v}` : v))
      .filter(Boolean);
    lines.push(values.length ? `${label ? `${label} — ` : ''}${values.join('; ')}` : label);
  }
  // Header words stay searchable even where no row has a value in their column.
  const unused = (head ?? []).filter((h, i) => h && (i === 0 || !rows.some((r) => r[i])));
  return [...lines, ...(unused.length ? [unused.join(' ')] : [])].join('\n');
}
