import { layoutPage, mergeHeaderLines, TextRun } from './page-layout';

const run = (str: string, x: number, y: number, size = 10): TextRun => ({ str, x, y, width: str.length * size * 0.5, size });

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

/** Lines of prose in a column: one run per line, 12 pt apart. */
const column = (x: number, yTop: number, lines: string[]) => lines.map((t, i) => run(t, x, yTop - 12 * i));

describe('layoutPage reading order', () => {
  const left = ['Left column line one of the first paragraph here', 'left column line two continues the same thought', 'left column line three ends the paragraph now.'];
  const right = ['Right column line one starts a new paragraph', 'right column line two goes on and on further', 'right column line three closes the right side.'];

  it('reads two columns of prose column by column, and emits no table', () => {
    // Lines of both columns share baselines, as in a justified two-column article.
    const els = layoutPage([run('A Title Across The Page', 50, 760, 16), ...column(50, 720, left), ...column(320, 720, right)], 1);
    expect(els.some((e) => e.kind === 'table')).toBe(false);
    const text = els.map((e) => e.text).join('\n');
    expect(text.indexOf('Title')).toBeLessThan(text.indexOf('Left column line one'));
    expect(text.indexOf('left column line three')).toBeLessThan(text.indexOf('Right column line one'));
    expect(text).toContain('Left column line one of the first paragraph here left column line two');
  });

  it('reads three columns left to right and puts a full-width footnote last', () => {
    const mid = left.map((l) => l.replace(/left/gi, 'middle'));
    const runs = [...column(40, 700, left), ...column(330, 700, mid), ...column(620, 700, right), { ...run('* A footnote that runs across the whole width of the page', 40, 600, 8), width: 820 }];
    const text = layoutPage(runs, 1).map((e) => e.text).join('\n');
    const at = (s: string) => text.indexOf(s);
    expect(at('left column line three')).toBeLessThan(at('middle column line one'));
    expect(at('middle column line three')).toBeLessThan(at('Right column line one'));
    expect(at('right column line three')).toBeLessThan(at('* A footnote'));
  });

  it('loses no text: every word of every run is in the output exactly once', () => {
    const runs = [...column(50, 720, left), ...column(320, 720, right), run('stray', 300, 650)];
    const words = (s: string) => s.split(/\s+/).filter(Boolean).sort();
    expect(words(layoutPage(runs, 1).map((e) => e.text).join(' '))).toEqual(words(runs.map((r) => r.str).join(' ')));
  });

  it('lays out text set at 90 degrees in its own frame, after the upright text', () => {
    const stamp = ['VerDate', 'Sep<11>2014', 'Jkt', '250001'].map((w, i) => ({ str: w, x: 20, y: 100 + i * 60, width: 50, size: 8, angle: 90 }));
    const els = layoutPage([run('Upright body text of the page.', 50, 700), ...stamp], 1);
    expect(els.map((e) => e.text)).toEqual(['Upright body text of the page.', 'VerDate Sep<11>2014 Jkt 250001']);
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
    expect(mergeHeaderLines(rows)).toEqual([['Characteristic', 'Awareness of PrEP no. (%)', 'Adjusted prevalence ratio (95% CI)'], ...rows.slice(3)]);
  });

  it('leaves a one-line header and a table of words as they are', () => {
    const oneLine = [['Age', 'Dose'], ['19-26', '2'], ['27-49', '3']];
    expect(mergeHeaderLines(oneLine)).toEqual(oneLine);
    const words = [['Field', 'Meaning'], ['age', 'Age of the patient'], ['sex', 'Sex of the patient']];
    expect(mergeHeaderLines(words)).toEqual(words);
  });
});
