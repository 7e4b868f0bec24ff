import { partitionHtml, partitionMarkdown, partitionText } from './markup.partitioner';

describe('partitionHtml', () => {
  it('reads list items whose end tags are omitted, nested lists as items of their own', () => {
    const out = partitionHtml(
      '<h2>Doses</h2><ul><li>Adults: 1 dose<li>Children: 2 doses<ul><li>under 5: a booster</ul><li>Pregnancy: none</ul>',
    );
    expect(out.map((e) => [e.kind, e.text])).toEqual([
      ['title', 'Doses'],
      ['list_item', 'Adults: 1 dose'],
      ['list_item', 'Children: 2 doses'],
      ['list_item', 'under 5: a booster'],
      ['list_item', 'Pregnancy: none'],
    ]);
  });

  it('keeps a table inside a cell in that cell, not as rows of the outer table', () => {
    const out = partitionHtml(
      '<table><tr><th>Drug</th><th>Notes</th></tr><tr><td>Metformin</td><td>See <table><tr><td>eGFR</td><td>&lt;30</td></tr></table></td></tr></table>',
    );
    expect(out).toHaveLength(1);
    expect(out[0].rows).toEqual([
      ['Drug', 'Notes'],
      ['Metformin', 'See eGFR <30'],
    ]);
  });

  it('keeps running text between blocks however short, and paragraphs whose end tags are omitted; drops scripts and styles', () => {
    const out = partitionHtml(
      '<body>Note:<p>First paragraph<p>Second &amp; last<script>alert(1)</script><style>p{}</style></body>',
    );
    expect(out.map((e) => e.text)).toEqual(['Note:', 'First paragraph', 'Second & last']);
  });
});

describe('partitionMarkdown and partitionText', () => {
  it('reads headings, list items and pipe tables', () => {
    const out = partitionMarkdown('# Title\n\nSome text\nwrapped.\n\n- item one\n\n| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(out.map((e) => e.kind)).toEqual(['title', 'text', 'list_item', 'table']);
    expect(out[1].text).toBe('Some text wrapped.');
    expect(out[2].text).toBe('item one');
    expect(out[3].rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads what a line-by-line reader got wrong: markup, setext headings, fenced code, quotes, raw HTML', () => {
    const out = partitionMarkdown(
      [
        'Dosing',
        '======',
        '',
        'Take **two** tablets with [water](https://example.org) _after_ meals.',
        '',
        '```',
        '# not a heading',
        '| not | a table |',
        '```',
        '',
        '> Stop if a rash appears.',
        '',
        '1. first',
        '   - nested',
        '',
        '<table><tr><th>Age</th><th>Dose</th></tr><tr><td>6-11</td><td>1</td></tr></table>',
      ].join('\n'),
    );
    expect(out.map((e) => [e.kind, e.text])).toEqual([
      ['title', 'Dosing'],
      ['text', 'Take two tablets with water after meals.'],
      ['text', '# not a heading | not | a table |'],
      ['text', 'Stop if a rash appears.'],
      ['list_item', 'first'],
      ['list_item', 'nested'],
      ['table', expect.any(String)],
    ]);
    expect(out[6].rows).toEqual([
      ['Age', 'Dose'],
      ['6-11', '1'],
    ]);
  });

  it('splits plain text at blank lines', () => {
    expect(partitionText('one\ntwo\n\n three ').map((e) => e.text)).toEqual(['one two', 'three']);
  });
});
