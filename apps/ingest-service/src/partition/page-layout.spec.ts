import {
  continueTables,
  documentBodySize,
  joinWrappedCells,
  layoutPage,
  mayHoldTable,
  mergeHeaderLines,
  Rule,
  TextRun,
  tableFromRows,
  withoutC0,
} from './page-layout';

const run = (str: string, x: number, y: number, size = 10): TextRun => ({
  str,
  x,
  y,
  width: str.length * size * 0.5,
  size,
});

describe('layoutPage tables', () => {
  it('finds columns separated by narrow gaps, even under a header spanning two of them', () => {
    // Columns at x=50, 150, 200: the numeric columns are only ~1 em apart, and "Cases" spans both.
    const runs: TextRun[] = [
      run('Region', 50, 700),
      run('Cases', 160, 700),
      run('Name', 50, 686),
      run('2019', 150, 686),
      run('2020', 185, 686),
      run('North', 50, 672),
      run('12', 150, 672),
      run('15', 185, 672),
      run('South', 50, 658),
      run('7', 150, 658),
      run('9', 185, 658),
      run('East', 50, 644),
      run('30', 150, 644),
      run('41', 185, 644),
    ];
    const [table] = layoutPage(runs, 3).filter((e) => e.kind === 'table');
    expect(table.page).toBe(3);
    const rows = table.text.split('\n').map((r) => r.split(' | '));
    expect(rows.slice(1)).toEqual([
      ['Name', '2019', '2020'],
      ['North', '12', '15'],
      ['South', '7', '9'],
      ['East', '30', '41'],
    ]);
    expect(table.html).toContain('<th>Region</th>');
  });
});

const hRule = (x0: number, x1: number, y: number): Rule => ({ x0, y0: y, x1, y1: y });
const vRule = (x: number, y0: number, y1: number): Rule => ({ x0: x, y0, x1: x, y1 });

describe('layoutPage ruled tables', () => {
  // Two rows of long description cells: no text heuristic would call this a table, the rules do.
  const longCell = (s: string) => `${s} is described here in a long sentence of prose that wraps`;
  const runs: TextRun[] = [
    run('Field', 60, 700),
    run('Meaning', 160, 700),
    run('patient.age', 60, 680),
    run(longCell('The age of the patient'), 160, 680),
    run('at onset, in years.', 160, 668),
    run('patient.sex', 60, 648),
    run(longCell('The sex of the patient'), 160, 648),
    run('Body text under the table, a paragraph of its own.', 60, 600),
  ];
  const grid: Rule[] = [
    hRule(50, 560, 712),
    hRule(50, 560, 692),
    hRule(50, 560, 660),
    hRule(50, 560, 640),
    vRule(50, 640, 712),
    vRule(150, 640, 712),
    vRule(560, 640, 712),
  ];

  it('makes a table of a ruled grid, a wrapped cell kept in its row, the text after it in place', () => {
    expect(layoutPage(runs, 1).some((e) => e.kind === 'table')).toBe(false);
    const out = layoutPage(runs, 1, grid);
    expect(out.map((e) => e.kind)).toEqual(['table', 'text']);
    expect(out[0].text.split('\n')).toEqual([
      'Field | Meaning',
      `patient.age | ${longCell('The age of the patient')} at onset, in years.`,
      `patient.sex | ${longCell('The sex of the patient')}`,
    ]);
  });

  it('keeps a name and its abbreviation in parentheses on the next line in one row, and runs that touch one word', () => {
    const rows = [hRule(50, 400, 712), hRule(50, 400, 692), hRule(50, 400, 660), hRule(50, 400, 628)];
    const cols = [vRule(50, 628, 712), vRule(150, 628, 712), vRule(400, 628, 712)];
    const lines = [
      run('Vaccine', 60, 700),
      run('19–49 years', 160, 700),
      run('Varicella', 60, 680),
      run('2 doses', 160, 680),
      run('(VAR)', 60, 668),
      run('(if born in 1980 or later)', 160, 668),
      run('Mpox', 60, 648),
      run('2 doses', 160, 648),
      run('Boosters', 60, 636),
      // One word in two runs that touch (a glyph drawn apart): one word in its cell.
      run('No', 160, 636),
      run('ne', 170, 636),
    ];
    const [table] = layoutPage(lines, 2, [...rows, ...cols]).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'Vaccine | 19–49 years',
      'Varicella (VAR) | 2 doses (if born in 1980 or later)',
      'Mpox | 2 doses',
      'Boosters | None',
    ]);
  });

  it('makes a table of rows ruled between them only, taking the header line above the top rule', () => {
    const rows = [hRule(50, 300, 692), hRule(50, 300, 676), hRule(50, 300, 660), hRule(50, 300, 644)];
    const numbers: TextRun[] = [
      run('Disease', 60, 696),
      run('Cases (%)', 200, 696),
      run('Mumps', 60, 680),
      run('870 (8)', 200, 680),
      run('Measles', 60, 664),
      run('517 (5)', 200, 664),
      run('Other', 60, 648),
      run('1,352 (13)', 200, 648),
    ];
    const [table] = layoutPage(numbers, 1, rows).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'Disease | Cases (%)',
      'Mumps | 870 (8)',
      'Measles | 517 (5)',
      'Other | 1,352 (13)',
    ]);
  });

  it('makes a table of row groups between rules (booktabs): one row per group, its lines kept in their cells', () => {
    const rules = [hRule(50, 400, 712), hRule(50, 400, 696), hRule(50, 400, 650), hRule(50, 400, 604)];
    const group = (y: number, name: string) => [
      run(name, 60, y),
      run('- strength one', 160, y),
      run('- weakness one', 280, y),
      run('- strength two', 160, y - 12),
      run('- weakness two', 280, y - 12),
      run('(Appendix 1)', 160, y - 24),
    ];
    const lines = [
      run('Group', 60, 700),
      run('Strengths', 160, 700),
      run('Weaknesses', 280, 700),
      ...group(684, 'Patients'),
      ...group(638, 'Staff'),
    ];
    const [table] = layoutPage(lines, 5, rules).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'Group | Strengths | Weaknesses',
      'Patients | - strength one - strength two (Appendix 1) | - weakness one - weakness two',
      'Staff | - strength one - strength two (Appendix 1) | - weakness one - weakness two',
    ]);
  });

  it('makes a table of rows ruled apart whose first cell wraps over lines beside short values', () => {
    const rules = [hRule(50, 300, 712), hRule(50, 300, 694), hRule(50, 300, 634), hRule(50, 300, 574)];
    const tip = (y: number, lines: string[], oral: string, shot: string) => [
      ...lines.map((l, i) => run(l, 60, y - 12 * i)),
      ...(oral ? [run(oral, 210, y)] : []),
      ...(shot ? [run(shot, 260, y)] : []),
    ];
    const runs = [
      run('Tips', 60, 698),
      run('Oral', 210, 698),
      run('Shots', 260, 698),
      ...tip(
        686,
        ['Match your medicine', 'schedule to your life', 'like a daily meal', 'or brushing your', 'teeth each day.'],
        '✓',
        '',
      ),
      ...tip(
        626,
        ['Add a reminder on', 'your phone for your', 'next appointment', 'for the injection', 'at the clinic.'],
        '',
        '✓',
      ),
    ];
    const [table] = layoutPage(runs, 6, rules).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'Tips | Oral | Shots',
      'Match your medicine schedule to your life like a daily meal or brushing your teeth each day. | ✓ | ',
      'Add a reminder on your phone for your next appointment for the injection at the clinic. |  | ✓',
    ]);
  });

  it('reads rows ruled apart, some of them also ruled into columns (shaded rows), as one table of one row a band', () => {
    const rules = [
      ...[730, 712, 680, 640, 600].map((y) => hRule(50, 400, y)),
      // The header and the first row, and the last row, are parted into columns; the row between is not.
      ...[50, 150, 400].flatMap((x) => [vRule(x, 680, 730), vRule(x, 600, 640)]),
    ];
    const runs = [
      run('Vaccine', 60, 718),
      run('Contraindicated', 160, 718),
      run('COVID-19 mRNA', 60, 700),
      run('• Severe allergic reaction after', 160, 700),
      run('[Moderna]', 60, 688),
      run('a previous dose', 160, 688),
      ...[
        '• Severe allergic reaction to',
        'a component of the vaccine',
        '• Myocarditis within',
        'three weeks of a dose',
        '• Acute illness',
      ].map((t, i) => run(t, 160, 670 - 6 * i, 5)),
      run('COVID-19 protein', 60, 670, 5),
      run('[Novavax]', 60, 664, 5),
      run('Influenza', 60, 628),
      run('• Severe allergic reaction', 160, 628),
      run('inactivated', 60, 616),
      run('• Guillain-Barré syndrome', 160, 616),
    ];
    const tables = layoutPage(runs, 13, rules).filter((e) => e.kind === 'table');
    expect(tables).toHaveLength(1);
    expect(tables[0].text.split('\n')).toEqual([
      'Vaccine | Contraindicated',
      'COVID-19 mRNA [Moderna] | • Severe allergic reaction after a previous dose',
      'COVID-19 protein [Novavax] | • Severe allergic reaction to a component of the vaccine • Myocarditis within three weeks of a dose • Acute illness',
      'Influenza inactivated | • Severe allergic reaction • Guillain-Barré syndrome',
    ]);
  });

  it("leaves three columns of prose between a page's rules as prose", () => {
    const rules = [hRule(30, 580, 760), hRule(30, 580, 720), hRule(30, 580, 560)];
    const prose = (x: number) =>
      column(x, 750, [
        'A long line of running prose in a column',
        'with another long line of prose after it',
        'and a third long line that ends here now.',
      ]);
    const lower = (x: number) =>
      column(x, 700, [
        'More running prose lines follow below it',
        'in this band of the page, still prose text',
        'that no reader would call a table at all',
      ]);
    const out = layoutPage(
      [...prose(40), ...prose(220), ...prose(400), ...lower(40), ...lower(220), ...lower(400)],
      5,
      rules,
    );
    expect(out.some((e) => e.kind === 'table')).toBe(false);
  });

  it('reads an open-sided table ruled only between column groups: outer columns kept, each group split into its columns', () => {
    // A statistical table: a stub, then Total, Male and Female groups of two value columns each, vertical rules only between the groups.
    const xs = [150, 190, 250, 290, 350, 390];
    const stubRow = (label: string, y: number, values: string[]) => [
      run(label, 40, y),
      ...values.map((v, i) => run(v, xs[i], y)),
    ];
    const tableRuns: TextRun[] = [
      run('Total', 165, 700),
      run('Male', 265, 700),
      run('Female', 360, 700),
      ...stubRow('Offense', 686, ['Young', 'Adult', 'Young', 'Adult', 'Young', 'Adult']),
      ...stubRow('Total', 672, ['1,540.0', '9,522.6', '1,071.6', '7,191.7', '468.3', '2,330.9']),
      ...stubRow('Violent crime', 658, ['69.1', '398.8', '56.5', '323.7', '12.6', '75.2']),
      ...stubRow('Robbery', 644, ['25.5', '76.6', '22.9', '67.1', '2.5', '9.5']),
    ];
    const rules = [
      hRule(30, 440, 712),
      hRule(30, 440, 694),
      hRule(30, 440, 640),
      vRule(140, 640, 712),
      vRule(240, 640, 712),
      vRule(340, 640, 712),
    ];
    const [table] = layoutPage(tableRuns, 1, rules).filter((e) => e.kind === 'table');
    const rows = table.text.split('\n').map((r) => r.split(' | '));
    expect(rows.slice(-3)).toEqual([
      ['Total', '1,540.0', '9,522.6', '1,071.6', '7,191.7', '468.3', '2,330.9'],
      ['Violent crime', '69.1', '398.8', '56.5', '323.7', '12.6', '75.2'],
      ['Robbery', '25.5', '76.6', '22.9', '67.1', '2.5', '9.5'],
    ]);
  });

  it('reads a ruled grid set sideways (text at 90 degrees) with its rules, as the same table upright', () => {
    // A quarter turn: what reads left to right at (x, y) on the turned page sits at (-y, x).
    const turned = runs.map((r) => ({ ...r, x: -r.y, y: r.x, angle: 90 }));
    const turnedGrid = grid.map((g) => ({ x0: -g.y1, y0: g.x0, x1: -g.y0, y1: g.x1 }));
    const upright = layoutPage(runs, 1, grid).find((e) => e.kind === 'table');
    const sideways = layoutPage(turned, 1, turnedGrid).find((e) => e.kind === 'table');
    expect(sideways?.text).toBe(upright?.text);
  });

  describe('a grid with headers set sideways and row labels left of it', () => {
    const sideways = (str: string, x: number, y: number): TextRun => ({
      str,
      x,
      y,
      width: str.length * 5,
      size: 10,
      angle: 90,
    });
    const votes: TextRun[] = [
      run('Governor', 110, 698),
      run('Senator', 210, 698),
      sideways('Brian Calley', 150, 636),
      sideways('Jim Hines', 250, 636),
      run('55', 110, 618),
      run('26', 210, 618),
      run('40', 110, 593),
      run('23', 210, 593),
      run('38', 110, 573),
      run('36', 210, 573),
    ];
    const labels = [run('Alcona', 40, 618), run('Curtis', 40, 593), run('Hawes', 40, 573)];
    // Between the first two rows, a band with no text.
    const rules = [
      ...[712, 692, 632, 612, 607, 587, 567].map((y) => hRule(100, 300, y)),
      ...[100, 200, 300].map((x) => vRule(x, 567, 712)),
    ];

    it('reads the sideways headers as a header row of their own and the labels as the first column', () => {
      const out = layoutPage([...votes, ...labels], 1, rules);
      expect(out).toHaveLength(1);
      expect(out[0].rows).toEqual([
        ['', 'Governor', 'Senator'],
        ['', 'Brian Calley', 'Jim Hines'],
        ['Alcona', '55', '26'],
        ['Curtis', '40', '23'],
        ['Hawes', '38', '36'],
      ]);
      expect(out[0].html).toContain(
        '<thead><tr><th></th><th>Governor</th><th>Senator</th></tr><tr><th></th><th>Brian Calley</th><th>Jim Hines</th></tr></thead>',
      );
    });

    it('leaves prose beside the grid out of it', () => {
      const prose = [
        run('A sentence of the page', -20, 618),
        run('that runs beside it', -20, 593),
        run('on three of its lines.', -20, 573),
      ];
      const out = layoutPage([...votes, ...prose], 1, rules);
      expect(out.find((e) => e.kind === 'table')?.rows?.map((r) => r[0])).toEqual([
        'Governor',
        'Brian Calley',
        '55',
        '40',
        '38',
      ]);
      expect(out.filter((e) => e.kind !== 'table').map((e) => e.text)).toEqual(prose.map((r) => r.str));
    });
  });

  it('gives a cell spanning rows (no rule parts them in its column) to every row it spans', () => {
    const spanRuns: TextRun[] = [
      run('County', 60, 700),
      run('Plan', 160, 700),
      run('Members', 400, 700),
      run('Anthem', 160, 680),
      run('164,380', 400, 680),
      run('Sacramento', 60, 660),
      run('Kaiser', 160, 660),
      run('74,620', 400, 660),
      run('Molina', 160, 640),
      run('59,989', 400, 640),
      run('Marin', 60, 620),
      run('Partnership', 160, 620),
      run('36,006', 400, 620),
    ];
    // Rules between the plan rows run only from x=150: the county column is one cell over the three plans.
    const rules = [
      hRule(50, 560, 712),
      hRule(50, 560, 692),
      hRule(150, 560, 672),
      hRule(150, 560, 652),
      hRule(50, 560, 632),
      hRule(50, 560, 612),
      vRule(50, 612, 712),
      vRule(150, 612, 712),
      vRule(390, 612, 712),
      vRule(560, 612, 712),
    ];
    const [table] = layoutPage(spanRuns, 1, rules).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'County | Plan | Members',
      'Sacramento | Anthem | 164,380',
      'Sacramento | Kaiser | 74,620',
      'Sacramento | Molina | 59,989',
      'Marin | Partnership | 36,006',
    ]);
  });

  it('leaves a ruled box of prose (a call-out, a page frame) as prose', () => {
    const box = [hRule(40, 570, 720), hRule(40, 570, 590), vRule(40, 590, 720), vRule(570, 590, 720)];
    expect(layoutPage(runs, 1, box).some((e) => e.kind === 'table')).toBe(false);
  });

  it('leaves a paragraph beside a ruled panel ("left blank") as prose, not a table of two cells', () => {
    const paragraph = column(50, 704, [
      'Underlying conditions include chronic heart disease,',
      'lung disease, chronic renal failure, smoking,',
      'diabetes mellitus, HIV infection and leukemia.',
    ]);
    // The panel's own rules part its two lines; the paragraph's lines all stand above the lower band.
    const panel = [run('WHITE SPACE INTENTIONALLY', 330, 682), run('LEFT BLANK', 360, 662)];
    const frame = [
      hRule(40, 560, 712),
      hRule(40, 560, 672),
      hRule(40, 560, 650),
      vRule(40, 650, 712),
      vRule(310, 650, 712),
      vRule(560, 650, 712),
    ];
    const out = layoutPage([...paragraph, ...panel], 10, frame);
    expect(out.some((e) => e.kind === 'table')).toBe(false);
    expect(out.map((e) => e.text).join(' ')).toContain('LEFT BLANK');
  });

  it('asks for rules only on pages with lines of separate cells', () => {
    expect(mayHoldTable(runs)).toBe(true);
    // The same lines set sideways: a rotated table needs its rules as much.
    expect(mayHoldTable(runs.map((r) => ({ ...r, x: -r.y, y: r.x, angle: 90 })))).toBe(true);
    expect(mayHoldTable(column(60, 700, ['one line of prose', 'and another line', 'and a third one']))).toBe(false);
  });
});

/** Lines of prose in a column: one run per line, 12 pt apart. */
const column = (x: number, yTop: number, lines: string[]) => lines.map((t, i) => run(t, x, yTop - 12 * i));

describe('layoutPage reading order', () => {
  const left = [
    'Left column line one of the first paragraph here',
    'left column line two continues the same thought',
    'left column line three ends the paragraph now.',
  ];
  const right = [
    'Right column line one starts a new paragraph',
    'right column line two goes on and on further',
    'right column line three closes the right side.',
  ];

  it('reads two columns of prose column by column, and emits no table', () => {
    // Lines of both columns share baselines, as in a justified two-column article.
    const els = layoutPage(
      [run('A Title Across The Page', 50, 760, 16), ...column(50, 720, left), ...column(320, 720, right)],
      1,
    );
    expect(els.some((e) => e.kind === 'table')).toBe(false);
    const text = els.map((e) => e.text).join('\n');
    expect(text.indexOf('Title')).toBeLessThan(text.indexOf('Left column line one'));
    expect(text.indexOf('left column line three')).toBeLessThan(text.indexOf('Right column line one'));
    expect(text).toContain('Left column line one of the first paragraph here left column line two');
  });

  it('reads three columns left to right and puts a full-width footnote last', () => {
    const mid = left.map((l) => l.replace(/left/gi, 'middle'));
    const runs = [
      ...column(40, 700, left),
      ...column(330, 700, mid),
      ...column(620, 700, right),
      { ...run('* A footnote that runs across the whole width of the page', 40, 600, 8), width: 820 },
    ];
    const text = layoutPage(runs, 1)
      .map((e) => e.text)
      .join('\n');
    const at = (s: string) => text.indexOf(s);
    expect(at('left column line three')).toBeLessThan(at('middle column line one'));
    expect(at('middle column line three')).toBeLessThan(at('Right column line one'));
    expect(at('right column line three')).toBeLessThan(at('* A footnote'));
  });

  it('loses no text: every word of every run is in the output exactly once', () => {
    const runs = [...column(50, 720, left), ...column(320, 720, right), run('stray', 300, 650)];
    const words = (s: string) => s.split(/\s+/).filter(Boolean).sort();
    expect(
      words(
        layoutPage(runs, 1)
          .map((e) => e.text)
          .join(' '),
      ),
    ).toEqual(words(runs.map((r) => r.str).join(' ')));
  });

  it('keeps a table of contents entry with its page number when a tab joins them, not cells apart', () => {
    const tab = (x: number, y: number, width: number): TextRun => ({ str: ' ', x, y, width, size: 10 });
    const toc = [
      run('Introduction', 50, 700),
      tab(110, 700, 380),
      run('3', 490, 700),
      run('About this guide', 50, 680),
      tab(130, 680, 360),
      run('12', 490, 680),
      run('Dosing', 50, 660),
      tab(83, 660, 407),
      run('14', 490, 660),
    ];
    expect(layoutPage(toc, 2).map((e) => e.text)).toEqual(['Introduction 3', 'About this guide 12', 'Dosing 14']);
  });

  it('reads a table of contents without tabs (entries and page numbers far apart) as its entries, not a table', () => {
    const toc = [
      run('Introduction', 50, 700),
      run('3', 490, 700),
      run('About this guide', 50, 686),
      run('3', 490, 686),
      run('Onboarding', 50, 672),
      run('5', 490, 672),
      run('Dosing', 50, 658),
      run('14', 490, 658),
    ];
    const out = layoutPage(toc, 2);
    expect(out.some((e) => e.kind === 'table')).toBe(false);
    expect(out.map((e) => e.text).join(' ')).toBe('Introduction 3 About this guide 3 Onboarding 5 Dosing 14');
  });

  it('keeps a list marker set apart by a hanging indent with its text', () => {
    const refs = [
      run('1.', 300, 700),
      run('Ovretveit J, Serouri A: Hospital quality management', 312, 700),
      run('2.', 300, 688),
      run('Franco L, et al: Sustaining quality of healthcare', 312, 688),
    ];
    const text = layoutPage(refs, 9)
      .map((e) => e.text)
      .join(' ');
    expect(text).toContain('1. Ovretveit J');
    expect(text).toContain('2. Franco L, et al');
  });

  it('reads a bullet glyph a font maps to a C1 control character (U+008A) as a bullet', () => {
    const items = [
      run('If you are taking PrEP pills:', 50, 700),
      run('\u008a Store your pills in a secure container.', 50, 686),
      run('\u008a Keep your pills at room temperature.', 50, 672),
    ];
    const text = layoutPage(items, 1)
      .map((e) => e.text)
      .join('\n');
    expect(text).not.toMatch(/[\u0080-\u009f]/);
    expect(text).toContain('• Store your pills in a secure container.');
    expect(text).toContain('• Keep your pills at room temperature.');
  });

  it('reads a C0 control set apart before a word as a bullet, and drops one inside a word or drawn over a glyph', () => {
    const items = [
      run('\u000f the patient’s perspective of care', 50, 700),
      run('*\u0007Administer recommended vaccines', 50, 686),
      run('R', 50, 672),
      { ...run('\u0007', 50, 672), width: 1.7 },
      run('ecommended vaccination', 55, 672),
    ];
    const text = layoutPage(items, 1)
      .map((e) => e.text)
      .join('\n');
    expect(withoutC0(text)).toBe(text);
    expect(text).toContain('• the patient’s perspective of care');
    expect(text).toContain('*Administer recommended vaccines');
    expect(text).toContain('Recommended vaccination');
  });

  it('parts two long runs on one baseline across a narrow gutter (two columns), not two words', () => {
    const left = 'The desire to improve on health systems and healthcare';
    const right = 'ward), 2B (male ward) and the Medical Short Stay ward';
    const out = layoutPage(
      [run(left, 56, 700, 9.8), { str: right, x: 56 + 233.8 + 14.2, y: 700, width: 233, size: 9.8 }],
      1,
    );
    expect(out.map((e) => e.text)).not.toContain(`${left} ${right}`);
    expect(out.map((e) => e.text).join(' ')).toContain(right);
  });

  it('parts two columns across a narrow gutter when a justified line comes one run per word', () => {
    // BMC p.4 as poppler gives it: each word its own run, the first word's box taller (a curly quote).
    const words = (text: string, x0: number, y: number, sizes: number[] = []) => {
      let x = x0;
      return text.split(' ').map((str, i) => {
        const r = { ...run(str, x, y, sizes[i] ?? 8.9), width: str.length * 4.45 };
        x += r.width + 5;
        return r;
      });
    };
    const left = [
      'summarized in Table 2 and grouped under thematic',
      '‘weaknesses or challenges of quality improvement’',
    ];
    const right = [
      'for patients and visitors to find their way round',
      'partment without significant difficulty. For those',
    ];
    const runs = [0, 1].flatMap((i) => {
      const l = words(left[i], 56.7, 493 - 12 * i, i === 1 ? [12.1] : []);
      const end = l[l.length - 1].x + l[l.length - 1].width;
      return [...l, ...words(right[i], end + 14.2, 493 - 12 * i)];
    });
    const text = layoutPage(runs, 1)
      .map((e) => e.text)
      .join('\n');
    expect(text).toContain(left.join(' '));
    expect(text).toContain(right.join(' '));
  });

  it('reads two columns apart when the last word of a paragraph bridges their narrow gutter', () => {
    // A Federal Register page: gutters of ~1.2 em; "faa.gov." ends a paragraph one word space from the left column.
    const size = 8.55;
    const line = (i: number, side: string) => `${side} column line ${String(i).padStart(2, '0')} of prose text here`;
    const runs: TextRun[] = [];
    for (let i = 0; i < 12; i++) {
      const y = 700 - 11 * i;
      const left = line(i, 'left').padEnd(40, '.');
      runs.push(run(left, 45, y, size));
      const right = i === 5 ? 'faa.gov.' : line(i, 'right');
      runs.push(run(right, 45 + left.length * size * 0.5 + 10, y, size));
    }
    const text = layoutPage(runs, 1)
      .map((e) => e.text)
      .join('\n');
    expect(text.indexOf('left column line 11')).toBeLessThan(text.indexOf('right column line 00'));
    expect(text).toContain('right column line 04 of prose text here faa.gov. right column line 06');
    expect(text).not.toContain('faa.gov. left');
  });

  it('reads a field dictionary group of two rows as a table', () => {
    // Rows 7 pt apart in 5.5 pt type, the first description wrapped onto a second line.
    const rows = [
      ...[
        run('sender', 55, 176.5, 5.5),
        run('senderorganization', 124, 176.5, 5.5),
        run('string', 198, 176.5, 5.5),
        run('Name of the organization sending the report,', 235, 176.5, 5.5),
      ],
      run('always FDA.', 235, 169.6, 5.5),
      ...[
        run('sender', 55, 161.8, 5.5),
        run('sendertype', 124, 161.8, 5.5),
        run('string', 198, 161.8, 5.5),
        run('The type of the organization sending it.', 235, 161.8, 5.5),
      ],
    ];
    const [table] = layoutPage(rows, 1).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'sender | senderorganization | string | Name of the organization sending the report, always FDA.',
      'sender | sendertype | string | The type of the organization sending it.',
    ]);
  });

  it('lays out text set at 90 degrees in its own frame, after the upright text', () => {
    const stamp = ['VerDate', 'Sep<11>2014', 'Jkt', '250001'].map((w, i) => ({
      str: w,
      x: 20,
      y: 100 + i * 60,
      width: 50,
      size: 8,
      angle: 90,
    }));
    const els = layoutPage([run('Upright body text of the page.', 50, 700), ...stamp], 1);
    expect(els.map((e) => e.text)).toEqual(['Upright body text of the page.', 'VerDate Sep<11>2014 Jkt 250001']);
  });
});

describe('tableFromRows', () => {
  it('puts the first row in <thead>, years and column numbers included, but not a first row of measures', () => {
    const headed = tableFromRows(
      [
        ['Disease', '2019', '2020'],
        ['Mumps', '870 (8)', '912 (9)'],
      ],
      1,
    );
    expect(headed.html).toContain('<thead><tr><th>Disease</th><th>2019</th><th>2020</th></tr></thead>');
    const headless = tableFromRows(
      [
        ['Mumps', '870 (8)', '12.5%'],
        ['Measles', '517 (5)', '3.1%'],
      ],
      1,
    );
    expect(headless.headerRows).toBe(0);
    // A label and its amount, row after row, from the first.
    expect(
      tableFromRows(
        [
          ['Net asset value', '5,111,372'],
          ['Units outstanding', '49,136'],
        ],
        1,
      ).headerRows,
    ).toBe(0);
    expect(
      tableFromRows(
        [
          ['Vaccine', 'Doses'],
          ['Td', '2'],
        ],
        1,
      ).headerRows,
    ).toBe(1);
    expect(headless.html).toBe(
      '<table><tbody><tr><td>Mumps</td><td>870 (8)</td><td>12.5%</td></tr><tr><td>Measles</td><td>517 (5)</td><td>3.1%</td></tr></tbody></table>',
    );
  });

  it('takes names under the header for a second header row, but not a row of long text (a schedule of doses)', () => {
    const groups = tableFromRows(
      [
        ['', 'Governor', ''],
        ['County', 'Brian Calley', 'Jim Hines'],
        ['Alcona', '55', '47'],
      ],
      1,
    );
    expect(groups.headerRows).toBe(2);
    const schedule = tableFromRows(
      [
        ['Vaccine', '19–26 years', '≥65 years'],
        ['COVID–19', '1 or more doses of 2024–2025 vaccine (See Notes)', '2 or more doses (See Notes)'],
        ['Varicella (VAR)', '2 doses (if born in 1980 or later)', ''],
        ['Mpox', '2 doses', ''],
      ],
      1,
    );
    expect(schedule.headerRows).toBe(1);
  });
});

describe('mergeHeaderLines', () => {
  it('joins a header typeset over several lines into one header row', () => {
    const rows = [
      ['', 'Awareness of', 'Adjusted'],
      ['', 'PrEP', 'prevalence ratio'],
      ['Characteristic', 'no. (%)', '(95% CI)'],
      ['Overall', '3,026 (32.3)', 'NA'],
      ['Sex', '', ''],
      ['Men', '1,221 (29.2)', '0.79 (0.74–0.85)'],
    ];
    expect(mergeHeaderLines(rows)).toEqual([
      ['Characteristic', 'Awareness of PrEP no. (%)', 'Adjusted prevalence ratio (95% CI)'],
      ...rows.slice(3),
    ]);
  });

  it('leaves a one-line header and a table of words as they are', () => {
    const oneLine = [
      ['Age', 'Dose'],
      ['19-26', '2'],
      ['27-49', '3'],
    ];
    expect(mergeHeaderLines(oneLine)).toEqual(oneLine);
    const words = [
      ['Field', 'Meaning'],
      ['age', 'Age of the patient'],
      ['sex', 'Sex of the patient'],
    ];
    expect(mergeHeaderLines(words)).toEqual(words);
  });
});

describe('layoutPage label and amount rows', () => {
  it('keeps three evenly spaced rows of a label and its amount together, however few', () => {
    // A key-figures block: rows ~22 pt apart, the amounts far right; a gap no wider than the others is no place to cut.
    const runs: TextRun[] = [
      run('Class B', 70, 560),
      run('Net Asset Value at 31 December', 70, 538),
      run('49,144,825', 477, 538),
      run('Number of outstanding units at 31 December', 70, 516),
      run('471,555', 490, 516),
      run('Net Asset Value per unit at 31 December', 70, 494),
      run('104.22', 495, 494),
    ];
    const [table] = layoutPage(runs, 1).filter((e) => e.kind === 'table');
    expect(table.text.split('\n')).toEqual([
      'Net Asset Value at 31 December | 49,144,825',
      'Number of outstanding units at 31 December | 471,555',
      'Net Asset Value per unit at 31 December | 104.22',
    ]);
  });

  it('keeps a price list with a heading above every few rows as one table, a price in € a number', () => {
    const lines: Array<[string, string?]> = [
      ['Les Blancs', '12.5CL'],
      ['A.O.P Côtes du Rhône'],
      ['Domaine de la Guicharde « Autour de la chapelle » 2016', '8 €'],
      ['A.O.P Vacqueyras'],
      ['Domaine de Montvac « Melodine » 2016', '10 €'],
      ['A.O.P Châteauneuf du Pape'],
      ['Domaine de Beaurenard 2017', '13 €'],
      ['A.O.P Côteaux du Languedoc'],
      ['Villa Tempora « Un temps pour elle » 2014', '9 €'],
    ];
    const runs = lines.flatMap(([label, price], i) => [
      run(label, 70, 700 - 16 * i),
      ...(price ? [run(price, 400, 700 - 16 * i)] : []),
    ]);
    const out = layoutPage(runs, 1);
    expect(out.map((e) => e.kind)).toEqual(['table']);
    expect(out[0].text).toContain('Domaine de Montvac « Melodine » 2016 | 10 €');
  });
});

describe('tables over breaks', () => {
  const header = ['Field', 'Type', 'Description'];

  it('joins a table cut in two on one page, the second part without a header, and gives the header back on the next page', () => {
    const first = tableFromRows(
      [header, ['age', 'string', 'The age of the patient at onset of the reaction, in years.']],
      1,
    );
    const rest = tableFromRows(
      [
        ['sex', 'string', 'The sex of the patient, as reported by the person who sent the report.'],
        ['weight', 'string', 'kg'],
      ],
      1,
    );
    const nextPage = tableFromRows(
      [['route', 'string', 'The route by which the drug was given to the patient, if reported.']],
      2,
    );
    const out = continueTables([first, rest, nextPage]);
    expect(out.map((e) => e.rows)).toEqual([
      [
        header,
        ['age', 'string', 'The age of the patient at onset of the reaction, in years.'],
        ['sex', 'string', 'The sex of the patient, as reported by the person who sent the report.'],
        ['weight', 'string', 'kg'],
      ],
      [header, ['route', 'string', 'The route by which the drug was given to the patient, if reported.']],
    ]);
    expect(out[1].html).toContain('<thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead>');
  });

  it('leaves a table with a header of its own, or of another width, as it is', () => {
    const first = tableFromRows(
      [header, ['age', 'string', 'The age of the patient at onset of the reaction, in years.']],
      1,
    );
    const own = tableFromRows(
      [
        ['Drug', 'Dose', 'Route'],
        ['Metformin', '500 mg', 'oral'],
      ],
      2,
    );
    const narrow = tableFromRows([['The sex of the patient, as reported by the sender.', 'x']], 2);
    expect(continueTables([first, own, narrow]).map((e) => e.rows![0])).toEqual([
      header,
      ['Drug', 'Dose', 'Route'],
      ['The sex of the patient, as reported by the sender.', 'x'],
    ]);
  });

  it('takes a short group label between two parts of the same columns as a row of one table, not a caption of another', () => {
    const classA = tableFromRows(
      [
        ['Net Asset Value at 31 December', '5,111,372'],
        ['Units outstanding', '49,136'],
      ],
      1,
    );
    const classB = tableFromRows(
      [
        ['Net Asset Value at 31 December', '49,144,825'],
        ['Units outstanding', '471,555'],
      ],
      1,
    );
    const label = { kind: 'text' as const, text: 'Class B', page: 1 };
    expect(continueTables([classA, label, classB]).map((e) => e.rows)).toEqual([
      [
        ['Net Asset Value at 31 December', '5,111,372'],
        ['Units outstanding', '49,136'],
        ['Class B', ''],
        ['Net Asset Value at 31 December', '49,144,825'],
        ['Units outstanding', '471,555'],
      ],
    ]);
    // A caption, a sentence or another page parts two tables.
    for (const between of [
      { ...label, text: 'Table 2 Fees' },
      { ...label, text: 'The fund closed in May.' },
      { ...label, page: 2 },
    ])
      expect(continueTables([classA, between, { ...classB, page: between.page }])).toHaveLength(3);
    // A part whose first row holds only a dash for its value ("Direct result | -") is data too.
    const perUnit = tableFromRows(
      [
        ['Direct result', '-'],
        ['Costs', '(0.21)'],
      ],
      1,
    );
    expect(continueTables([classA, { ...label, text: 'Result per unit 2' }, perUnit]).map((e) => e.rows)).toEqual([
      [
        ['Net Asset Value at 31 December', '5,111,372'],
        ['Units outstanding', '49,136'],
        ['Result per unit 2', ''],
        ['Direct result', '-'],
        ['Costs', '(0.21)'],
      ],
    ]);
  });

  it('takes the sections of one list, set apart by white space alone, as one table', () => {
    const whites = tableFromRows(
      [
        ['Les Blancs', '12.5 cl'],
        ['Domaine de Montvac 2016', '10 €'],
      ],
      1,
    );
    const roses = tableFromRows(
      [
        ['Les Rosés', '12.5 cl'],
        ['Domaine de Joncas 2015', '8 €'],
      ],
      1,
    );
    expect(continueTables([whites, roses]).map((e) => e.rows)).toEqual([
      [
        ['Les Blancs', '12.5 cl'],
        ['Domaine de Montvac 2016', '10 €'],
        ['Les Rosés', '12.5 cl'],
        ['Domaine de Joncas 2015', '8 €'],
      ],
    ]);
    // Other columns, another page, a caption in the first cell or an empty one: separate tables.
    for (const other of [
      tableFromRows([['Les Rosés', '12.5 cl', 'x']], 1),
      { ...roses, page: 2 },
      tableFromRows([['Table 2 Fees', '12.5 cl']], 1),
      tableFromRows([['', '12.5 cl']], 1),
    ])
      expect(continueTables([whites, other])).toHaveLength(2);
  });

  it('joins a cell that wraps onto the next line, and keeps a group heading in the first column a row', () => {
    expect(
      joinWrappedCells([
        ['Field', 'Description'],
        ['abuse', 'Information about the types of abuse that can occur with'],
        ['', 'the drug, primarily based on human data.'],
        ['Patient', ''],
        ['age', 'Age at onset.'],
        ['', 'Also see agegroup.'],
      ]),
    ).toEqual([
      ['Field', 'Description'],
      ['abuse', 'Information about the types of abuse that can occur with the drug, primarily based on human data.'],
      ['Patient', ''],
      ['age', 'Age at onset.'],
      ['', 'Also see agegroup.'],
    ]);
  });
});

describe('layoutPage regions', () => {
  it('gives each paragraph and table the region of the page its text covers, and none to text in a turned frame', () => {
    const runs = [
      run('Dosage and administration', 72, 700, 14),
      run('Take one tablet daily with food.', 72, 670),
      run('Do not crush the tablet.', 72, 658),
      { ...run('DRAFT 2025', 560, 300), angle: 90 },
    ];
    const out = layoutPage(runs, 1);
    const body = out.find((e) => e.text.startsWith('Take one'))!;
    expect(body.box).toEqual([72, 658 - 2.5, 72 + 'Take one tablet daily with food.'.length * 5, 670 + 9]);
    expect(out.find((e) => e.kind === 'title')!.box).toEqual([72, 700 - 3.5, 72 + 25 * 7, 700 + 0.9 * 14]);
    expect(out.find((e) => e.text.includes('DRAFT'))!.box).toBeUndefined();
  });
});

describe('layoutPage line breaks', () => {
  it('drops a hyphen that breaks a lower-case word and keeps one beside a digit or a capital', () => {
    const runs = [
      run('The FAA estimates 90 work-', 72, 700),
      run('hours for the COVID-', 72, 688),
      run('19 campaign; write to 9-', 72, 676),
      run('ANM-Seattle-ACO@faa.gov today.', 72, 664),
    ];
    expect(layoutPage(runs, 1).map((e) => e.text)).toEqual([
      'The FAA estimates 90 workhours for the COVID-19 campaign; write to 9-ANM-Seattle-ACO@faa.gov today.',
    ]);
  });
});

describe('layoutPage headings', () => {
  it('tells a heading by the type of its words, not by a larger bullet or symbol glyph on the line', () => {
    const runs = [
      run('Proposed AD Requirements', 72, 700, 13),
      run('This proposed AD would require the following actions:', 72, 686),
      // A symbol font's bullet, set 30% larger than the words beside it.
      run('•', 72, 674, 13),
      run('Installing new FCC OPS software and doing a verification.', 84, 674),
      run('The FAA estimates', 72, 662),
      run('×', 165, 662, 13),
      run('$85 per work-hour.', 175, 662),
    ];
    const out = layoutPage(runs, 1);
    expect(out.filter((e) => e.kind === 'title').map((e) => e.text)).toEqual(['Proposed AD Requirements']);
    expect(out.find((e) => e.text.startsWith('•'))!.kind).toBe('list_item');
  });

  it('takes no heading of a line that goes on with a sentence left open above it, however large it measures', () => {
    // OCR'd lines: one of brackets and tall glyphs measures a size larger than its neighbours.
    const runs = [
      run('Lower PrEP awareness was found among uninsured', 72, 700),
      run('participants (34.2%) (aPR = 0.76) and among those', 72, 688, 12),
      run('without a usual source of care (29.1%).', 72, 676),
      run('Results', 72, 650, 12),
      run('PrEP awareness was lower among participants born in Mexico.', 72, 636),
    ];
    const out = layoutPage(runs, 1, [], 10);
    expect(out.filter((e) => e.kind === 'title').map((e) => e.text)).toEqual(['Results']);
    expect(out[0].text).toBe(
      'Lower PrEP awareness was found among uninsured participants (34.2%) (aPR = 0.76) and among those without a usual source of care (29.1%).',
    );
  });

  it('counts the letters of every run of a line, not only of the runs that outnumber the text before them', () => {
    // A justified line, one run a word; the quote mark's font makes "the ‘quality" taller.
    const runs = [
      run('Quality improvement initiatives', 72, 720, 13),
      run('to', 72, 700),
      run('drive', 85, 700),
      run('the ‘quality', 112, 700, 13),
      run('agenda’', 170, 700),
      run('and the sustainability of', 210, 700),
      run('quality interventions have encountered major challenges', 72, 688),
    ];
    const titles = layoutPage(runs, 1)
      .filter((e) => e.kind === 'title')
      .map((e) => e.text);
    expect(titles).toEqual(['Quality improvement initiatives']);
  });

  it('keeps a long title in type far larger than the body a title, and a long lead paragraph text', () => {
    const body = Array.from({ length: 12 }, (_, i) =>
      run(`Body line ${i} of the article, set in its own type.`, 72, 500 - 12 * i),
    );
    const long = 'Understanding the barriers to setting up a healthcare quality improvement process in';
    const title = [
      run(long, 72, 700, 21),
      run('resource-limited settings: a situational analysis at the Medical Department', 72, 676, 21),
      run('of Kamuzu Central Hospital, Lilongwe, Malawi', 72, 652, 21),
    ];
    const lead = [
      run(long, 72, 700, 12),
      run('resource-limited settings: a situational analysis at the Medical Department', 72, 686, 12),
      run('of Kamuzu Central Hospital, Lilongwe, Malawi', 72, 672, 12),
    ];
    expect(layoutPage([...title, ...body], 1)[0].kind).toBe('title');
    expect(layoutPage([...lead, ...body], 1)[0].kind).toBe('text');
  });

  it("tells headings on a page of small type (a table's) against the document's body size", () => {
    const table = Array.from({ length: 12 }, (_, i) =>
      run(`Row ${i} of small table type, cells and counts ${i}`, 72, 700 - 10 * i, 8),
    );
    const prose = [
      run('Lower awareness was found among uninsured participants.', 72, 560),
      run('Awareness was lower among participants born abroad.', 72, 547),
    ];
    const page = [...table, ...prose];
    const body = documentBodySize([
      page,
      Array.from({ length: 30 }, (_, i) => run(`Body line ${i} of ordinary prose here.`, 72, 700 - 13 * i)),
    ]);
    expect(body).toBe(10);
    // Alone, the page's own median (8 pt) makes its 10 pt prose look like headings.
    expect(layoutPage(page, 2).some((e) => e.kind === 'title')).toBe(true);
    expect(layoutPage(page, 2, [], body).some((e) => e.kind === 'title')).toBe(false);
  });
});
