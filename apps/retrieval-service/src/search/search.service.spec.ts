import { LocalHashEmbedder } from '@rag/ai';
import { SearchRequestSchema } from '@rag/contracts';
import { LanceRepository } from '../storage/lance.repository';
import { NoReranker } from './lexical.reranker';
import { DEFAULT_FEEDBACK } from './relevance-feedback';
import { scoredChunk } from './scored-chunk.fixture';
import { SearchService } from './search.service';

/** A repository fake that records the full-text searches it is asked for. */
function fakeRepo() {
  const fts: Array<Array<{ words: string[]; weight: number }>> = [];
  const repo = {
    assertUsable: () => undefined,
    vectorSearch: async () => [],
    ftsSearch: async (
      _q: string,
      _scope: unknown,
      _limit: number,
      _withVectors: boolean,
      expansion: Array<{ words: string[]; weight: number }> = [],
    ) => {
      fts.push(expansion);
      return [
        scoredChunk('a', 3, 'Culex mosquitoes carry the virus between birds.'),
        scoredChunk('b', 2, 'Culex mosquitoes bite birds at dusk.'),
        scoredChunk('c', 1, 'Virus infections are mild.'),
      ];
    },
  };
  return { repo: repo as unknown as LanceRepository, fts };
}

describe('SearchService relevance feedback', () => {
  const query = (extra: Record<string, unknown>) =>
    SearchRequestSchema.parse({ collectionId: 'c', query: 'which insect spreads the virus', mode: 'fts', ...extra });

  it('searches full text again with the words the first results share when asked, and once otherwise', async () => {
    const { repo, fts } = fakeRepo();
    const off = new SearchService(repo, new LocalHashEmbedder(64), new NoReranker(), undefined, undefined, null);
    await off.search(query({}));
    expect(fts).toHaveLength(1);
    await off.search(query({ feedback: true }));
    expect(fts).toHaveLength(3);
    expect(fts[2]).toEqual([
      expect.objectContaining({
        words: expect.arrayContaining(['culex', 'mosquitoes', 'birds']),
        weight: DEFAULT_FEEDBACK.weight,
      }),
    ]);
    // Configured on: every search, unless it says no.
    const on = new SearchService(
      repo,
      new LocalHashEmbedder(64),
      new NoReranker(),
      undefined,
      undefined,
      DEFAULT_FEEDBACK,
    );
    fts.length = 0;
    await on.search(query({}));
    await on.search(query({ feedback: false }));
    expect(fts).toHaveLength(3);
  });
});
