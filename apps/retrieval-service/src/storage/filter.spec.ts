import { searchFilter, sqlString } from './filter';

describe('searchFilter', () => {
  it('always scopes by collection and escapes quotes', () => {
    expect(searchFilter("x' OR '1'='1")).toBe("collection_name = 'x'' OR ''1''=''1'");
  });

  it('adds optional filters', () => {
    expect(searchFilter('c', { filenames: ["o'brien.pdf"], dataTypes: ['table_html'] })).toBe(
      "collection_name = 'c' AND filename IN ('o''brien.pdf') AND data_type IN ('table_html')",
    );
  });

  it('refuses NUL bytes', () => {
    expect(() => sqlString('a\u0000b')).toThrow();
  });
});
