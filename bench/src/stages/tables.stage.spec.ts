import { cellScore, cleanExpected, joinContinued, looseNorm, parseTables, strictNorm } from './tables.stage';

const table = (caption: string, head: string[], rows: string[][]) =>
  `<table><caption>${caption}</caption><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

describe('table cell score', () => {
  it('joins the chunks of one long table (caption and header repeated) back into one table, its header once', () => {
    const parts = [
      table(
        'Table 1',
        ['Drug', 'Dose'],
        [
          ['a', '1'],
          ['b', '2'],
        ],
      ),
      table('Table 1', ['Drug', 'Dose'], [['c', '3']]),
      table('Table 2', ['Drug', 'Dose'], [['d', '4']]),
    ];
    const grids = joinContinued(parts.flatMap((p) => parseTables(p)));
    expect(grids).toEqual([
      [
        ['drug', 'dose'],
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      [
        ['drug', 'dose'],
        ['d', '4'],
      ],
    ]);
  });

  it('joins the chunks of one long table without a header row (its caption repeated), not those of another width', () => {
    const headless = (caption: string, rows: string[][]) =>
      `<table><caption>${caption}</caption><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    const parts = [headless('T', [['a', '1']]), headless('T', [['b', '2']]), headless('T', [['c', '3', 'x']])];
    expect(joinContinued(parts.flatMap((p) => parseTables(p)))).toEqual([
      [
        ['a', '1'],
        ['b', '2'],
      ],
      [['c', '3', 'x']],
    ]);
  });

  it('compares cells without white space and dot leaders, not without their characters', () => {
    expect(looseNorm('11,062 .6')).toBe(looseNorm('11,062.6'));
    expect(looseNorm('Total   .\n .\n .  .  .')).toBe(looseNorm('Total'));
    expect(looseNorm('11,062.6')).not.toBe(looseNorm('11,062.9'));
    expect(strictNorm('11,062 .6')).not.toBe(strictNorm('11,062.6'));
  });

  it('scores the cells at the right row and column only', () => {
    const expected = cleanExpected([
      ['Drug', 'Dose'],
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(
      cellScore(expected, [
        ['drug', 'dose'],
        ['a', '1'],
        ['b', '2'],
      ]),
    ).toEqual({ found: 6, total: 6 });
    expect(
      cellScore(expected, [
        ['drug', 'dose'],
        ['a', '2'],
        ['b', '1'],
      ]),
    ).toEqual({ found: 4, total: 6 });
  });
});
