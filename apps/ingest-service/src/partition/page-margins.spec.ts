import { TextRun } from './page-layout';
import { dropRepeatedMargins } from './page-margins';

const run = (str: string, y: number): TextRun => ({ str, x: 50, y, width: str.length * 5, size: 10 });
const page = (i: number, header: string, footer: string): TextRun[] => [
  run(header, 780),
  ...[0, 1, 2, 3, 4].map((k) => run(`Body line ${k} of page ${i} with its own words ${i * 7 + k}`, 700 - 14 * k)),
  run(footer, 40),
];

describe('dropRepeatedMargins', () => {
  it('drops a running header and a page-numbered footer, and counts them', () => {
    const pages = [1, 2, 3, 4].map((i) =>
      page(i, 'Agyeman-Duah et al. BMC Health Services Research 2014, 14:1', `Page ${i} of 10`),
    );
    const r = dropRepeatedMargins(pages);
    expect(r.droppedLines).toBe(8);
    for (const p of r.pages) {
      expect(p.some((x) => x.str.startsWith('Agyeman') || x.str.startsWith('Page '))).toBe(false);
      expect(p.filter((x) => x.str.startsWith('Body line'))).toHaveLength(5);
    }
  });

  it('keeps per-page headings that differ in more than the page number', () => {
    const pages = [1, 2, 3, 4].map((i) => page(i, `Abstract ${i} (PMID ${1000 + i * 37}, 199${i})`, `Footer ${i}`));
    const r = dropRepeatedMargins(pages);
    // The footer's number follows the page index; the headings' PMIDs do not.
    expect(r.droppedLines).toBe(4);
    expect(r.pages.every((p) => p.some((x) => x.str.startsWith('Abstract')))).toBe(true);
  });

  it('leaves short documents alone', () => {
    const pages = [1, 2].map((i) => page(i, 'Same header', 'Same footer'));
    expect(dropRepeatedMargins(pages)).toEqual({ pages, droppedLines: 0 });
  });
});
