import { decodeHtmlEntities } from './text-coverage';

/** The cells of a table in our own table HTML (a caption, header rows in <thead>, no nesting). */
export interface TableCells {
  caption: string;
  /** Header rows, outermost first. */
  head: string[][];
  body: string[][];
}

const cellText = (html: string) =>
  decodeHtmlEntities(html.replace(/<br\s*\/?>/g, ' ').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

const rowsOf = (html: string) =>
  (html.match(/<tr[^>]*>[\s\S]*?<\/tr>/g) ?? []).map((tr) =>
    [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => cellText(m[1])),
  );

export function tableCells(html: string): TableCells {
  const thead = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? '';
  const head = rowsOf(thead);
  return {
    caption: cellText(/<caption>([\s\S]*?)<\/caption>/.exec(html)?.[1] ?? ''),
    head,
    body: rowsOf(html).slice(head.length),
  };
}

/**
 * Each column's name: its header rows' texts, outermost first ("Governor Brian Calley"), a text a
 * spanning cell repeats over the rows it spans said once. A header cell left empty right of a named
 * one, and left of another, is that cell spanning on ("19–26 years" over both columns its bars fill);
 * the first column's name (the row labels') spans nothing, and nothing spans past the last name (a
 * column of notes set beside a table).
 */
export function columnNames(head: string[][]): string[] {
  const width = Math.max(0, ...head.map((r) => r.length));
  const spanned = head.map((r, k) => {
    const end = r.findLastIndex(Boolean);
    // Past the last name, a group header spans on only over the columns the rows under it name ("Deaths" over "n | %").
    const spans = (i: number) => i > 0 && (i <= end || head.slice(k + 1).some((below) => below[i]));
    let last = '';
    return Array.from({ length: width }, (_, i) => (spans(i) ? (last = r[i] || last) : (r[i] ?? '')));
  });
  return Array.from({ length: width }, (_, i) =>
    spanned
      .map((r) => r[i])
      .filter((c, k, all) => c && c !== all[k - 1])
      .join(' '),
  );
}
