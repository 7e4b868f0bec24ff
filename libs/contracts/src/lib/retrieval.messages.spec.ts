import { SearchRequestSchema } from './retrieval.messages';

describe('SearchRequestSchema', () => {
  it('rejects control characters (NUL included) in a filename filter', () => {
    for (const name of ['a\u0000b.pdf', 'x\u0001.pdf']) {
      const r = SearchRequestSchema.safeParse({ collectionId: 'c', query: 'q', filters: { filenames: [name] } });
      expect(r.success).toBe(false);
    }
    expect(
      SearchRequestSchema.safeParse({ collectionId: 'c', query: 'q', filters: { filenames: ['ünï—名前.pdf'] } })
        .success,
    ).toBe(true);
  });
});
