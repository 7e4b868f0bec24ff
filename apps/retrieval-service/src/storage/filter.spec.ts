import { chunkFilter, documentFilter, sqlString, versionsFilter } from './filter';

describe('LanceDB filters', () => {
  it('always scope chunks by collection and escape quotes', () => {
    expect(chunkFilter({ collectionId: "x' OR '1'='1" })).toBe("collection_name = 'x'' OR ''1''=''1'");
  });

  it('narrow chunks by the optional search filters', () => {
    expect(chunkFilter({ collectionId: 'c', filenames: ["o'brien.pdf"], dataTypes: ['table_html'] })).toBe(
      "collection_name = 'c' AND filename IN ('o''brien.pdf') AND data_type IN ('table_html')",
    );
  });

  it('select documents by collection, then by id or filename', () => {
    expect(documentFilter({ collectionId: 'c' })).toBe("collection_name = 'c'");
    expect(documentFilter({ collectionId: 'c', documentId: "d'1" })).toBe(
      "collection_name = 'c' AND document_id = 'd''1'",
    );
    expect(documentFilter({ collectionId: 'c', filename: 'a.pdf' })).toBe(
      "collection_name = 'c' AND filename = 'a.pdf'",
    );
  });

  it('find the versions of a document by filename or id, inside its collection only', () => {
    expect(versionsFilter({ collectionId: 'c', filename: 'a.pdf', documentId: 'd' })).toBe(
      "collection_name = 'c' AND (filename = 'a.pdf' OR document_id = 'd')",
    );
  });

  it('refuse NUL bytes', () => {
    expect(() => sqlString('a\u0000b')).toThrow();
    expect(() => documentFilter({ collectionId: 'c', filename: 'a\u0000' })).toThrow();
  });
});
