import {
  chunkDocumentFilter,
  chunkFilter,
  chunkVersionsFilter,
  collectionFilter,
  documentFilter,
  sqlString,
  versionsFilter,
} from './filter';

describe('LanceDB filters', () => {
  it('scope rows by collection and escape quotes', () => {
    expect(collectionFilter("x' OR '1'='1")).toBe("collection_name = 'x'' OR ''1''=''1'");
  });

  it("narrow a collection's chunks by the optional search filters, or keep them all", () => {
    expect(chunkFilter({ collectionId: 'c' })).toBeNull();
    expect(chunkFilter({ collectionId: 'c', filenames: ["o'brien.pdf"], dataTypes: ['table_html'] })).toBe(
      "filename IN ('o''brien.pdf') AND data_type IN ('table_html')",
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
    expect(chunkDocumentFilter({ collectionId: 'c' })).toBeNull();
    expect(chunkDocumentFilter({ collectionId: 'c', documentId: 'd' })).toBe("document_id = 'd'");
  });

  it('find the versions of a document by filename or id, inside its collection only', () => {
    expect(versionsFilter({ collectionId: 'c', filename: 'a.pdf', documentId: 'd' })).toBe(
      "collection_name = 'c' AND (filename = 'a.pdf' OR document_id = 'd')",
    );
    expect(chunkVersionsFilter({ collectionId: 'c', filename: 'a.pdf', documentId: 'd' })).toBe(
      "(filename = 'a.pdf' OR document_id = 'd')",
    );
  });

  it('refuse NUL bytes', () => {
    expect(() => sqlString('a\u0000b')).toThrow();
    expect(() => documentFilter({ collectionId: 'c', filename: 'a\u0000' })).toThrow();
  });
});
