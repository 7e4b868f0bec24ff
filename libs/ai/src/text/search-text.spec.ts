import { linearTable, searchText } from './search-text';

describe('searchText', () => {
  it('puts the heading path before the text', () => {
    expect(
      searchText({ text: 'Doses are given yearly.', dataType: 'text', headingPath: ['Adult schedule', 'Influenza'] }),
    ).toBe('Adult schedule › Influenza\nDoses are given yearly.');
  });

  it('reads a table row by row, each value beside its row and column names, without markup', () => {
    const table =
      '<table><caption>Essential medicines</caption><thead><tr><th>Medicine</th><th>Packing</th><th>PHC</th><th>CHC</th></tr></thead>' +
      '<tbody><tr><td>Anaesthetics</td><td></td><td></td><td></td></tr>' +
      '<tr><td>Lignocaine 2%</td><td>30 ml</td><td>Y</td><td></td></tr>' +
      '<tr><td>Td &amp; TDVAX</td><td>1 vial</td><td></td><td></td></tr></tbody></table>';
    expect(searchText({ text: table, dataType: 'table_html' }).split('\n')).toEqual([
      'Essential medicines',
      'Anaesthetics',
      'Anaesthetics › Lignocaine 2% — Packing: 30 ml; PHC: Y',
      'Anaesthetics › Td & TDVAX — Packing: 1 vial',
      'Medicine CHC',
    ]);
  });

  it('names a column by all its header rows, a spanning header said once', () => {
    const table =
      '<table><thead><tr><th>State</th><th>Governor</th><th>Governor</th></tr><tr><th></th><th>Brian Calley</th><th>Jim Hines</th></tr></thead>' +
      '<tbody><tr><td>Alcona</td><td>55</td><td>47</td></tr></tbody></table>';
    expect(linearTable(table)).toBe('Alcona — Governor Brian Calley: 55; Governor Jim Hines: 47\nState');
  });

  it('names a column under an empty header cell by the header spanning it from the left, never the row labels or a last column', () => {
    const table =
      '<table><thead><tr><th>Vaccine</th><th>19–26 years</th><th></th><th>27–49 years</th><th></th></tr></thead>' +
      '<tbody><tr><td>Varicella (VAR)</td><td></td><td>2 doses (if born in 1980 or later)</td><td></td><td></td></tr>' +
      '<tr><td></td><td>n/a</td><td></td><td></td><td>* A note set beside the table</td></tr></tbody></table>';
    expect(linearTable(table).split('\n')).toEqual([
      'Varicella (VAR) — 19–26 years: 2 doses (if born in 1980 or later)',
      '19–26 years: n/a; * A note set beside the table',
      'Vaccine 27–49 years',
    ]);
  });

  it('names the columns under a group header by the group, up to the last column the rows under it name', () => {
    const table =
      '<table><thead><tr><th></th><th>Cases</th><th></th><th>Deaths</th><th></th><th></th></tr>' +
      '<tr><th>State</th><th>n</th><th>%</th><th>n</th><th>%</th><th></th></tr></thead>' +
      '<tbody><tr><td>Ohio</td><td>12</td><td>3.1</td><td>2</td><td>0.5</td><td>see note</td></tr></tbody></table>';
    expect(linearTable(table).split('\n')[0]).toBe(
      'Ohio — Cases n: 12; Cases %: 3.1; Deaths n: 2; Deaths %: 0.5; see note',
    );
  });

  it('reads a table without a header row as its cells in order', () => {
    expect(linearTable('<table><tbody><tr><td>a</td><td></td><td>b</td></tr></tbody></table>')).toBe('a | b');
  });
});
