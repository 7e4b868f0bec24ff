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

  it('drops a header whose page number sits at its left on even pages and at its right on odd ones', () => {
    const header = 'Federal Register / Vol. 85, No. 152 / Proposed Rules';
    // Seven pages, the first a cover: neither side alone is on half of them.
    const pages = [1, 2, 3, 4, 5, 6, 7].map((i) =>
      page(i, i === 1 ? 'Cover' : i % 2 ? `${header} ${47697 + i}` : `${47697 + i} ${header}`, 'Footer'),
    );
    const r = dropRepeatedMargins(pages);
    expect(r.pages.some((p) => p.some((x) => x.str.includes('Federal Register')))).toBe(false);
    // A number at the edge that does not follow the page index is no page number.
    const dated = [1, 2, 3, 4, 5, 6].map((i) =>
      page(i, i % 2 ? `${header} ${1990 + i * i}` : `${1990 + i * i} ${header}`, 'Footer'),
    );
    expect(dropRepeatedMargins(dated).pages.every((p) => p.some((x) => x.str.includes('Federal Register')))).toBe(true);
  });

  it('drops a stamp set sideways down the edge of every page, not sideways text among the rest', () => {
    const stamp = (): TextRun => ({
      str: 'jbell on DSK with PROPOSALS',
      x: 22,
      y: 18,
      width: 100,
      size: 4.4,
      angle: 90,
    });
    // A column header set sideways inside the text block, the same on every page, is content.
    const header = (): TextRun => ({ str: 'Persons tested', x: 200, y: 600, width: 60, size: 8, angle: 90 });
    const pages = [1, 2, 3, 4].map((i) => [...page(i, `Heading ${i * 3}`, `Note ${i * i}`), stamp(), header()]);
    const r = dropRepeatedMargins(pages);
    expect(r.droppedLines).toBe(4);
    for (const p of r.pages) {
      expect(p.some((x) => x.str.startsWith('jbell'))).toBe(false);
      expect(p.some((x) => x.str === 'Persons tested')).toBe(true);
    }
  });

  it('drops the running header of a page turned a quarter, set sideways among its text', () => {
    const header = 'Agyeman-Duah et al. BMC Health Services Research 2014, 14:1';
    const url = 'http://www.biomedcentral.com/1472-6963/14/1';
    // Upright pages set the journal's address on the header's baseline; the turned page sets each up its side.
    const upright = (i: number) => [...page(i, header, `Page ${i} of 10`), { ...run(url, 780), x: 400 }];
    const side = (str: string, x: number): TextRun => ({ str, x, y: 300, width: 150, size: 7, angle: 270 });
    const turned = [
      side(header, 740),
      side(url, 740),
      side('Page 5 of 10', 740),
      side('Staff respondents (n = 4) named the lack of staff', 400),
      ...page(5, 'Table 2 continued from the page before', 'A footnote to the table'),
    ];
    const r = dropRepeatedMargins([...[1, 2, 3, 4].map(upright), turned, ...[6, 7].map(upright)]);
    expect(r.pages[4].filter((x) => x.angle).map((x) => x.str)).toEqual([
      'Staff respondents (n = 4) named the lack of staff',
    ]);
    expect(r.droppedLines).toBe(12 + 3);
  });

  it('leaves short documents alone', () => {
    const pages = [1, 2].map((i) => page(i, 'Same header', 'Same footer'));
    expect(dropRepeatedMargins(pages)).toEqual({ pages, droppedLines: 0 });
  });
});
