import { layoutPage, TextRun } from './page-layout';

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
    const [table] = layoutPage(runs, 3, 600).filter((e) => e.kind === 'table');
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
