import { columnNames, tableCells } from './table-html';
import { plainChunkText } from './text-coverage';

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

/**
 * A table (our own table HTML) as lines that read like prose: "Lignocaine 2% — Packing: 30 ml;
 * PHC: Y". A row holding only its first cell is a group ("Class B") and leads the rows under it; a
 * table without a header reads its cells in order.
 */
export function linearTable(html: string): string {
  const { caption, head, body } = tableCells(html);
  const names = columnNames(head);
  const lines = caption ? [caption] : [];
  let group = '';
  for (const r of body) {
    const filled = r.filter(Boolean);
    if (!filled.length) continue;
    if (!head.length) {
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
      .map((v, i) => (v && names[i + 1] ? `${names[i + 1]}: ${v}` : v))
      .filter(Boolean);
    lines.push(values.length ? `${label ? `${label} — ` : ''}${values.join('; ')}` : label);
  }
  // Header words stay searchable even where no row has a value in their column.
  const unused = names.filter((h, i) => h && (i === 0 || !body.some((r) => r[i])));
  return [...lines, ...(unused.length ? [unused.join(' ')] : [])].join('\n');
}
