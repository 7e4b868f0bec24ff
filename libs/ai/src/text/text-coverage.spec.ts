import { readingOrder, textCoverage } from './text-coverage';

describe('textCoverage', () => {
  const ref =
    'The mean time was 25.9 +/- 10.9 seconds in flight\nand the control setting took 13.2 seconds (p<.001) overall\n';

  it('counts a line found whole, or cut exactly between two chunks, as kept', () => {
    const chunks = [
      { text: 'Intro. The mean time was 25.9 +/- 10.9 seconds in flight and the control', dataType: 'text' },
      { text: 'Heading\nsetting took 13.2 seconds (p<.001) overall', dataType: 'text' },
    ];
    expect(textCoverage(ref, chunks)).toMatchObject({ lines: 2, kept: 2, coverage: 1, missing: [] });
  });

  it('reports a mangled numeric line as missing', () => {
    const chunks = [
      {
        text: 'The mean time was 25.9 +/- 10.9 seconds in flight and the control setting took 7]). 7]).',
        dataType: 'text',
      },
    ];
    const r = textCoverage(ref, chunks);
    expect(r.kept).toBe(1);
    expect(r.missing).toEqual(['and the control setting took 13.2 seconds (p<.001) overall']);
  });

  it('reads table chunks without their markup and counts missing running headers apart', () => {
    const pages = [1, 2, 3, 4]
      .map((i) => `Journal of Things 2014, volume 14 page ${i} of 4\nRow label one two three four ${i}\n`)
      .join('\f');
    const chunks = [1, 2, 3, 4].map((i) => ({
      text: `<table><tr><td>Row label one</td><td>two three four ${i}</td></tr></table>`,
      dataType: 'table_html',
    }));
    expect(textCoverage(pages, chunks)).toMatchObject({ lines: 8, kept: 4, runningDropped: 4, coverage: 1 });
  });

  it('counts a running header whose page number moves from its left to its right on facing pages as dropped', () => {
    // Seven pages, the first a cover: neither side alone is on half of them.
    const header = (i: number) =>
      i === 1 ? 'Cover' : i % 2 ? `Federal Register / Vol. 85 ${i + 100}` : `${i + 100} Federal Register / Vol. 85`;
    const pages = [1, 2, 3, 4, 5, 6, 7].map((i) => `${header(i)}\nBody text of page ${i}\n`).join('\f');
    const chunks = [1, 2, 3, 4, 5, 6, 7].map((i) => ({ text: `Body text of page ${i}`, dataType: 'text' }));
    expect(textCoverage(pages, chunks, 3)).toMatchObject({ kept: 7, runningDropped: 6, coverage: 1 });
  });

  it('counts a table row whose cells wrap as kept in cells, apart from verbatim lines, but never a row of another table', () => {
    // pdftotext prints the visual row "Staffing shortage Use resources"; the table holds the wrapped cells whole.
    const ref =
      'Staffing shortage of nurses and Use resources efficiently in wards\nA line that is nowhere in any chunk at all\n';
    const chunks = [
      {
        text: '<table><tr><td>Staffing shortage of nurses and doctors</td><td>Use resources efficiently in wards</td></tr></table>',
        dataType: 'table_html',
      },
    ];
    expect(textCoverage(ref, chunks)).toMatchObject({ lines: 2, kept: 1, keptAsCells: 1, coverage: 0.5, verbatim: 0 });
  });

  it('counts a line that runs across two columns as kept in two parts, but not one missing a word between them', () => {
    // -raw printed the first line of each column as one line; read column by column, they are apart.
    const ref =
      'Percentage Method Tables for Attached are early release copies\nthe income tax tables for this year are not adjusted\n';
    const chunks = [
      { text: 'Early release copies of the Percentage Method Tables for Income Tax', dataType: 'text' },
      {
        text: 'Attached are early release copies of the tables. The income tax tables for this are not adjusted',
        dataType: 'text',
      },
    ];
    expect(textCoverage(ref, chunks)).toMatchObject({
      lines: 2,
      kept: 1,
      keptInTwoParts: 1,
      missing: ['the income tax tables for this year are not adjusted'],
    });
  });
});

describe('readingOrder', () => {
  // Two lines of the left column, then two of the right, as pdftotext reads a two-column page.
  const ref =
    'staff and patients was reported in the interviews and ob-\nserved to affect the quality of care in the department\f' +
    'Throughout the department the researcher observed signs\nthat made it easier for patients to find their way\n' +
    'Table 1\n';

  it('keeps junctions read in order, a word hyphenated across the break included', () => {
    const chunks = [
      {
        text: 'staff and patients was reported in the interviews and observed to affect the quality',
        dataType: 'text',
      },
      { text: 'Throughout the department the researcher observed signs that made it easier', dataType: 'text' },
    ];
    expect(readingOrder(ref, chunks)).toEqual({ junctions: 2, kept: 2, missing: [] });
  });

  it('makes no junction of a running header, which the chunks leave out on purpose', () => {
    const header =
      'Agyeman-Duah et al. BMC Health Services Research 2014\nPublished online by BioMed Central in London\n';
    const bodies = [
      'staff shortages were the first barrier named\nby every group of people interviewed there',
      'patients waited long hours at the outpatient\ndepartment before any clinician could see them',
      'registers listed over a hundred different diagnoses\nwithout any agreed terms or a thesaurus',
    ];
    const chunks = bodies.map((b) => ({ text: b.replace('\n', ' '), dataType: 'text' }));
    expect(readingOrder(bodies.map((b) => `${header}${b}\n`).join('\f'), chunks)).toEqual({
      junctions: 3,
      kept: 3,
      missing: [],
    });
  });

  it('loses the junction a line of the other column cuts into, though every line is still whole', () => {
    const chunks = [
      {
        text:
          'staff and patients was reported in the interviews and ob- Throughout the department the researcher ' +
          'observed signs served to affect the quality of care in the department that made it easier for patients',
        dataType: 'text',
      },
    ];
    expect(readingOrder(ref, chunks)).toEqual({
      junctions: 2,
      kept: 0,
      missing: ['and ob- | served to', 'observed signs | that made'],
    });
  });
});
