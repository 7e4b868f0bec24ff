import { tableFromRows } from '../partition/page-layout';
import { Element } from '../partition/element';
import { chunkElements } from './chunker';

const para = (words: number, page = 1, tag = 'w'): Element => ({
  kind: 'text',
  text: Array.from({ length: words }, (_, i) => `${tag}${i}`).join(' ') + '.',
  page,
});

describe('chunkElements', () => {
  it('turns an image description into its own image_summary chunk at the image page', () => {
    const chunks = chunkElements(
      [para(10, 2, 'a'), { kind: 'image', text: 'Bar chart of HbA1c by arm.', page: 2 }, para(10, 2, 'b')],
      { maxTokens: 500, overlapTokens: 0 },
    );
    expect(chunks.map((c) => [c.dataType, c.pageNumber])).toEqual([
      ['text', 2],
      ['image_summary', 2],
      ['text', 2],
    ]);
    expect(chunks[1].text).toBe('Bar chart of HbA1c by arm.');
  });

  it('starts a new chunk on a new page so citations keep the right page', () => {
    const chunks = chunkElements([para(10, 1), para(10, 2), para(10, 3)], { maxTokens: 500, overlapTokens: 0 });
    expect(chunks.map((c) => c.pageNumber)).toEqual([1, 2, 3]);
  });

  it('cuts a paragraph that runs across a page break at the break, carrying its unfinished sentence', () => {
    const chunks = chunkElements(
      [
        { kind: 'text', text: 'The first sentence ends here. This sentence runs', page: 4 },
        { kind: 'text', text: 'onto the next page. Then more.', page: 5, continued: true },
      ],
      { maxTokens: 500, overlapTokens: 0 },
    );
    expect(chunks.map((c) => [c.pageNumber, c.pageEnd, c.text])).toEqual([
      [4, 4, 'The first sentence ends here. This sentence runs'],
      [5, 5, 'This sentence runs onto the next page. Then more.'],
    ]);
  });

  it("keeps the regions of a chunk's elements on its page, not those of a heading carried from the page before", () => {
    const chunks = chunkElements(
      [
        { kind: 'text', text: 'Metformin lowers glucose.', page: 1, box: [72, 600, 300, 640] },
        { kind: 'title', text: 'Dosage', page: 1, box: [72, 100, 140, 114] },
        { kind: 'text', text: 'Take one tablet daily.', page: 2, box: [72, 700, 250, 712] },
        { kind: 'text', text: 'With food.', page: 2 },
      ],
      { maxTokens: 500, overlapTokens: 0 },
    );
    expect(chunks.map((c) => [c.pageNumber, c.regions])).toEqual([
      [1, [[72, 600, 300, 640]]],
      [2, [[72, 700, 250, 712]]],
    ]);
  });

  it('moves a heading left alone at the foot of a page to the top of the next page chunk', () => {
    const chunks = chunkElements(
      [
        para(10, 1),
        { kind: 'title', text: 'Dosage', page: 1 },
        { kind: 'text', text: 'Take one tablet daily.', page: 2 },
      ],
      { maxTokens: 500, overlapTokens: 0 },
    );
    expect(chunks.map((c) => [c.pageNumber, c.pageEnd])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(chunks[1].text).toBe('Dosage\nTake one tablet daily.');
  });

  it('repeats the heading at the top of each chunk under it', () => {
    const chunks = chunkElements([{ kind: 'title', text: 'Dosage', page: 1 }, para(100, 1, 'a'), para(100, 1, 'b')], {
      maxTokens: 150,
      overlapTokens: 0,
    });
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    for (const c of chunks) expect(c.text.startsWith('Dosage')).toBe(true);
  });

  it('splits over-long paragraphs within the budget, with overlap', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} has some words.`).join(' ');
    const chunks = chunkElements([{ kind: 'text', text, page: 1 }], { maxTokens: 80, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(c.text.split(/\s+/).length * 1.3).toBeLessThanOrEqual(80 + 12);
    // The end of one chunk reappears at the start of the next.
    const lastSentence = chunks[0].text.split('. ').pop()!;
    expect(chunks[1].text).toContain(lastSentence.replace(/\.$/, ''));
  });

  it('splits long tables by rows, repeating the header and never cutting a row', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `<tr><td>drug ${i}</td><td>${i} mg</td></tr>`).join('');
    const html = `<table><thead><tr><th>Drug</th><th>Dose</th></tr></thead><tbody>${rows}</tbody></table>`;
    const chunks = chunkElements([{ kind: 'table', text: 't', html, page: 7 }], { maxTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.dataType).toBe('table_html');
      expect(c.pageNumber).toBe(7);
      expect(c.text).toContain('<thead><tr><th>Drug</th><th>Dose</th></tr></thead>');
      expect(c.text.match(/<tr>/g)!.length).toBe(c.text.match(/<\/tr>/g)!.length);
    }
    const all = chunks.map((c) => c.text).join('');
    for (let i = 0; i < 40; i++) expect(all).toContain(`<td>drug ${i}</td>`);
  });

  it('splits a table without a header row by rows, with no header to repeat', () => {
    const table = tableFromRows(
      Array.from({ length: 30 }, (_, i) => [`vaccine ${i}`, `${i}.5 ml`, `${i + 10}%`]),
      2,
    );
    expect(table.headerRows).toBe(0);
    const chunks = chunkElements([table], { maxTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.text).not.toContain('<thead>');
    expect(chunks.flatMap((c) => c.text.match(/<td>vaccine \d+<\/td>/g) ?? [])).toHaveLength(30);
  });

  it('repeats every header row of a table with a group header over its sub-headers, and each body row once', () => {
    const table = tableFromRows(
      [
        ['Vaccine', 'Doses', ''],
        ['', 'Adults', 'Children'],
        ...Array.from({ length: 30 }, (_, i) => [`vaccine ${i}`, `${i}`, `${i + 1}`]),
      ],
      2,
    );
    expect(table.headerRows).toBe(2);
    const chunks = chunkElements([table], { maxTokens: 60, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks)
      expect(c.text).toContain(
        '<thead><tr><th>Vaccine</th><th>Doses</th><th></th></tr><tr><th></th><th>Adults</th><th>Children</th></tr></thead>',
      );
    const bodies = chunks.flatMap((c) => c.text.match(/<td>vaccine \d+<\/td>/g) ?? []);
    expect(bodies).toHaveLength(30);
  });
});

describe('chunkElements keeps every character', () => {
  const letters = (s: string) => s.replace(/\s+/g, '');
  it("puts the table's caption in each of its chunks, and a heading when there is no caption", () => {
    const table = tableFromRows(
      [['Disease', 'Cases'], ...Array.from({ length: 40 }, (_, i) => [`disease number ${i}`, String(i)])],
      3,
    );
    const chunks = chunkElements(
      [
        { kind: 'title', text: 'Results', page: 2 },
        { kind: 'text', text: 'Table 2 Notifications by disease, 2024', page: 3 },
        table,
      ],
      { maxTokens: 80, overlapTokens: 0 },
    );
    const tables = chunks.filter((c) => c.dataType === 'table_html');
    expect(tables.length).toBeGreaterThan(1);
    for (const t of tables)
      expect(t.text).toMatch(/^<table><caption>Table 2 Notifications by disease, 2024<\/caption><thead>/);
    const [plain] = chunkElements(
      [
        { kind: 'title', text: 'Results', page: 3 },
        {
          kind: 'text',
          text: 'A long paragraph of prose that is no caption at all, and goes on well past any caption length limit so that it does not count as one. '.repeat(
            3,
          ),
          page: 3,
        },
        table,
      ],
      { maxTokens: 500, overlapTokens: 0 },
    ).filter((c) => c.dataType === 'table_html');
    expect(plain.text).toMatch(/^<table><caption>Results<\/caption>/);
    // A year set between the title and the table is no caption.
    const dated = chunkElements(
      [
        { kind: 'text', text: 'Vaccines in the Adult Immunization Schedule', page: 1 },
        { kind: 'title', text: '2025', page: 1 },
        { ...table, page: 1 },
      ],
      { maxTokens: 500, overlapTokens: 0 },
    ).find((c) => c.dataType === 'table_html');
    expect(dated?.text).toMatch(/^<table><caption>Vaccines in the Adult Immunization Schedule<\/caption>/);
  });

  it('splits long paragraphs full of decimals without dropping any of them', () => {
    const sentence = (i: number) =>
      `Farming in year ${i} was associated with PSV (OR 2.${i} [95% CI 1.2-4.${i}]) and p<.00${i}.`;
    const text = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkElements([{ kind: 'text', text, page: 1 }], { maxTokens: 120, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(letters(chunks.map((c) => c.text).join(''))).toBe(letters(text));
  });

  it('chunks a long "title" (a lead paragraph in large type) as text, whole', () => {
    const text = 'In 2019, heterosexual sex accounted for 23% of new HIV diagnoses. '.repeat(8);
    const chunks = chunkElements([{ kind: 'title', text, page: 1 }], { maxTokens: 350, overlapTokens: 0 });
    expect(letters(chunks.map((c) => c.text).join(''))).toBe(letters(text));
  });
});

describe('chunkElements heading paths', () => {
  it('gives each chunk the headings it is under, outermost first; a heading closes those of its size or smaller', () => {
    const els = [
      { kind: 'title' as const, text: 'Adult Immunization Schedule', page: 1, size: 20 },
      { kind: 'title' as const, text: 'Influenza vaccination', page: 1, size: 14 },
      { kind: 'title' as const, text: 'Routine vaccination', page: 1, size: 11 },
      { kind: 'text' as const, text: 'One dose every season.', page: 1 },
      { kind: 'title' as const, text: 'Zoster vaccination', page: 2, size: 14 },
      { kind: 'text' as const, text: 'Two doses, two to six months apart.', page: 2 },
      tableFromRows(
        [
          ['Vaccine', 'Doses'],
          ['RZV', '2'],
        ],
        2,
      ),
    ];
    const chunks = chunkElements(els, { maxTokens: 200, overlapTokens: 0 });
    expect(chunks.map((c) => [c.dataType, c.headingPath])).toEqual([
      ['text', ['Adult Immunization Schedule', 'Influenza vaccination', 'Routine vaccination']],
      ['text', ['Adult Immunization Schedule', 'Zoster vaccination']],
      ['table_html', ['Adult Immunization Schedule', 'Zoster vaccination']],
    ]);
  });

  it('keeps a page of nothing but headings (slides in large type) cited at its own page', () => {
    const slide = (page: number) =>
      Array.from({ length: 5 }, (_, i) => ({
        kind: 'title' as const,
        text: `Slide ${page} point ${i}`,
        page,
        size: 20,
      }));
    const chunks = chunkElements(
      [...slide(1), ...slide(2), { kind: 'text' as const, text: 'Closing words.', page: 3 }],
      { maxTokens: 200, overlapTokens: 0 },
    );
    expect(chunks.map((c) => c.pageNumber)).toEqual([1, 2, 3]);
    expect(chunks[0].text).toContain('Slide 1 point 0');
  });
});
