import { parseBboxLayout } from './poppler.text-layer';

const word = (x0: number, x1: number, y0: number, y1: number, t: string) =>
  `<word xMin="${x0}" yMin="${y0}" xMax="${x1}" yMax="${y1}">${t}</word>`;
const line = (words: string[]) => {
  const box = words.map((w) => w.match(/[-\d.]+/g)!.map(Number));
  const [x0, y0] = [Math.min(...box.map((b) => b[0])), Math.min(...box.map((b) => b[1]))];
  const [x1, y1] = [Math.max(...box.map((b) => b[2])), Math.max(...box.map((b) => b[3]))];
  return `<line xMin="${x0}" yMin="${y0}" xMax="${x1}" yMax="${y1}">${words.join('')}</line>`;
};
const page = (lines: string[]) =>
  `<page width="600" height="800"><flow><block>${lines.join('\n')}</block></flow></page>`;

describe('parseBboxLayout', () => {
  it('joins words a word space apart into one run and parts them at a cell gap, in PDF space', () => {
    // 10.5 pt boxes: about 10 pt type; "Mumps" and "870" are ~4 em apart.
    const xhtml = `<doc>${page([line([word(50, 80, 100, 110.5, 'Case'), word(82.5, 110, 100, 110.5, 'counts'), word(150, 165, 100, 110.5, '870')])])}</doc>`;
    const [p] = parseBboxLayout(xhtml);
    expect(p.runs.map((r) => r.str)).toEqual(['Case counts', '870']);
    const [first] = p.runs;
    expect(first.x).toBe(50);
    expect(first.width).toBe(60);
    expect(first.size).toBeCloseTo(10, 5);
    // Baseline a little above the box's foot, measured up from the page's foot.
    expect(first.y).toBeCloseTo(800 - 110.5 + 0.22 * 10.5, 5);
  });

  it.each([
    {
      // A Federal Register line: 9 pt words and a sans-serif "×" whose box is 30% taller.
      taller: 'a symbol',
      words: [
        word(45, 72.5, 405.37, 414.35, '$7,650'),
        word(75, 88, 405.37, 414.35, '(90'),
        word(90.5, 138, 405.37, 414.35, 'work-hours'),
        word(140.4, 145.4, 402.99, 414.71, '×'),
        word(147.6, 162.6, 405.37, 414.35, '$85'),
      ],
      str: '$7,650 (90 work-hours × $85',
      box: [405.37, 414.35],
    },
    {
      // A BMC article: 8.9 pt words; "‘recommendations" has the box of the quote mark's taller font.
      taller: 'a long word with a curly quote from a fallback font',
      words: [
        word(403.9, 440.9, 713.78, 723.12, 'practices’'),
        word(445.2, 460, 713.78, 723.12, 'and'),
        word(464.6, 538.6, 711.43, 724.17, '‘recommendations'),
      ],
      str: 'practices’ and ‘recommendations',
      box: [713.78, 723.12],
    },
  ])("takes a run's size and baseline from its plain words, not from $taller", ({ words, str, box: [y0, y1] }) => {
    const [run] = parseBboxLayout(`<doc>${page([line(words)])}</doc>`)[0].runs;
    expect(run.str).toBe(str);
    expect(run.size).toBeCloseTo((y1 - y0) / 1.05, 5);
    expect(run.y).toBeCloseTo(800 - y1 + 0.22 * (y1 - y0), 5);
  });

  it('decodes entities and keeps every page, an empty one too', () => {
    const xhtml = `<doc>${page([line([word(50, 90, 100, 110, 'AT&amp;T'), word(92, 120, 100, 110, '&lt;5%')])])}${page([])}</doc>`;
    const pages = parseBboxLayout(xhtml);
    expect(pages).toHaveLength(2);
    expect(pages[0].runs[0].str).toBe('AT&T <5%');
    expect(pages[1].runs).toEqual([]);
  });

  it('reads words stacked down the page as a run at 270 degrees, up the page at 90, with lone vertical words the same way', () => {
    const down = line([word(570, 578, 200, 260, 'Page'), word(570, 578, 263, 280, '5')]);
    const up = line([word(20, 28, 263, 300, 'Sideways'), word(20, 28, 200, 260, 'stamp')]);
    const [p] = parseBboxLayout(`<doc>${page([down, up])}</doc>`);
    expect(p.runs.map((r) => [r.str, r.angle])).toEqual([
      ['Page 5', 270],
      ['Sideways stamp', 90],
    ]);
    // A table set sideways: most lines are one number each, reading as the title above them does.
    const title = line([word(515, 525, 84, 103, 'Table'), word(515, 525, 105, 114, '21')]);
    const cells = [line([word(441, 451, 234, 250, '55.8')]), line([word(431, 441, 234, 250, '39.0')])];
    const upright = line([word(50, 80, 700, 710.5, 'ill')]);
    const [q] = parseBboxLayout(`<doc>${page([title, ...cells, upright])}</doc>`);
    expect(q.runs.map((r) => [r.str, r.angle])).toEqual([
      ['Table 21', 270],
      ['55.8', 270],
      ['39.0', 270],
      ['ill', 0],
    ]);
  });

  it('reads a short number its box cannot place (as wide as tall) as most lines of its page read', () => {
    const short = (x: number) => line([word(x, x + 10, 469, 480, '0.5')]);
    const sideways = [
      line([word(515, 525, 84, 103, 'Table'), word(515, 525, 105, 114, '21')]),
      line([word(505, 515, 84, 120, 'Current'), word(505, 515, 122, 130, 'use')]),
    ];
    const [p] = parseBboxLayout(`<doc>${page([...sideways, short(320), short(310)])}</doc>`);
    expect(p.runs.slice(2).map((r) => r.angle)).toEqual([270, 270]);
    const upright = [line([word(50, 80, 100, 110.5, 'Case'), word(82.5, 110, 100, 110.5, 'counts')])];
    const [q] = parseBboxLayout(`<doc>${page([...upright, short(320)])}</doc>`);
    expect(q.runs.map((r) => r.angle)).toEqual([0, 0]);
  });

  it('drops a control character another word is drawn over (no advance), and keeps one set apart', () => {
    // InDesign's U+0007 under the "R" of "Recommended": poppler sets the "R" on a line of its own.
    const overdrawn = [
      line([
        word(41.4, 43.1, 569.9, 579.5, '\u0007'),
        word(45.6, 91.3, 569.9, 579.5, 'ecommended'),
        word(92.8, 129.9, 569.9, 579.5, 'vaccination'),
      ]),
      line([word(41.4, 45.7, 569.9, 579.5, 'R')]),
    ];
    const [p] = parseBboxLayout(`<doc>${page(overdrawn)}</doc>`);
    expect(p.runs.map((r) => r.str)).toEqual(['ecommended vaccination', 'R']);
    // A journal's list marker, U+000F, a word space before its text.
    const bullet = [
      line([
        word(312.7, 317.2, 580.2, 591.9, '\u000f'),
        word(322, 340, 580.2, 591.9, 'the'),
        word(343, 380, 580.2, 591.9, 'patient'),
      ]),
    ];
    const [q] = parseBboxLayout(`<doc>${page(bullet)}</doc>`);
    expect(q.runs.map((r) => r.str)).toEqual(['\u000f the patient']);
  });
});
