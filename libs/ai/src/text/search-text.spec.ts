import { searchText } from './search-text';

describe('searchText', () => {
  it('puts the heading path before the text, and reads a table without its markup', () => {
    expect(
      searchText({ text: 'Doses are given yearly.', dataType: 'text', headingPath: ['Adult schedule', 'Influenza'] }),
    ).toBe('Adult schedule › Influenza\nDoses are given yearly.');
    const table =
      '<table><caption>Vaccines</caption><thead><tr><th>Vaccine</th><th>Trade name</th></tr></thead><tbody><tr><td>Td</td><td>Tenivac &amp; TDVAX</td></tr></tbody></table>';
    expect(searchText({ text: table, dataType: 'table_html' })).toBe('Vaccines Vaccine Trade name Td Tenivac & TDVAX');
  });
});
