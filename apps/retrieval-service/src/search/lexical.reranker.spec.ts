import { ScoredChunk } from '../storage/lance.repository';
import { FusedCandidate } from './fusion';
import { LexicalReranker } from './lexical.reranker';

const candidate = (id: string, text: string, fused: number, page = id): FusedCandidate => ({
  chunk: { chunk_id: id, text, document_id: 'd', page_number: page } as unknown as ScoredChunk,
  vector: null,
  fts: null,
  fused,
});

describe('LexicalReranker', () => {
  const reranker = new LexicalReranker();

  it('blends the fused score with query coverage and adjacent query word pairs', () => {
    const [top, second] = reranker.rerank('insulin resistance in obese children', [
      candidate('few-words', 'insulin insulin insulin dose in adults', 1),
      candidate('all-words', 'obese children often show insulin resistance', 0.8),
    ]);
    expect(top.chunk.chunk_id).toBe('all-words');
    // 0.6 * 0.8 / 1 + (0.15 + 0.15 for its page) * 4/4 + 0.1 * (2 of the 3 query pairs: "obese children", "insulin resistance")
    expect(top.rerank).toBeCloseTo(0.48 + 0.3 + 0.2 / 3, 10);
    // 0.6 * 1 + (0.15 + 0.15) * 1/4 + 0 pairs
    expect(second.rerank).toBeCloseTo(0.6 + 0.075, 10);
  });

  it('counts a query word once however often the chunk repeats it, and pairs only in query order', () => {
    const [c] = reranker.rerank('renal failure', [candidate('c', 'failure renal failure renal failure', 1)]);
    // both words covered; "renal failure" appears twice, capped at 1
    expect(c.rerank).toBeCloseTo(0.6 + 0.3 + 0.1, 10);
    const [d] = reranker.rerank('renal failure', [candidate('d', 'failure renal', 1)]);
    expect(d.rerank).toBeCloseTo(0.6 + 0.3, 10);
  });

  it('lifts chunks of a page whose chunks together cover the query (a row label and its cell)', () => {
    const out = reranker.rerank('MenB age range', [
      candidate('other', 'MenB vaccines are given', 1, 'p1'),
      candidate('cell', 'age range 19 through 23 years', 0.9, 'p2'),
      candidate('label', 'Meningococcal B MenB', 0.5, 'p2'),
    ]);
    // "cell": 0.6 * 0.9 + 0.15 * 2/3 + 0.15 * 3/3 (its page covers all three words) + 0.1 * 1/2 ("age range")
    expect(out[0].chunk.chunk_id).toBe('cell');
    expect(out[0].rerank).toBeCloseTo(0.54 + 0.1 + 0.15 + 0.05, 10);
    // "other": 0.6 + (0.15 + 0.15) * 1/3
    expect(out[1].rerank).toBeCloseTo(0.6 + 0.1, 10);
  });

  it('lifts the chunks under the table a question names, and only that table', () => {
    const under = (id: string, heading: string, fused: number) => {
      const c = candidate(id, 'HPV 27 through 45 years', fused);
      return { ...c, chunk: { ...c.chunk, heading_path: ['Schedule', heading] } };
    };
    const query = 'In Table 2, what ages are marked for HPV?';
    const out = reranker.rerank(query, [
      under('notes', 'Notes', 1),
      under('table-1', 'Table 1 Schedule by age group', 0.95),
      under('table-2', 'Table 2 Schedule by medical condition', 0.9),
    ]);
    expect(out.map((c) => c.chunk.chunk_id)).toEqual(['table-2', 'notes', 'table-1']);
    // Without the reference the fused order stands.
    const plain = reranker.rerank('what ages are marked for HPV?', [
      under('notes', 'Notes', 1),
      under('table-2', 'Table 2 Schedule by medical condition', 0.9),
    ]);
    expect(plain.map((c) => c.chunk.chunk_id)).toEqual(['notes', 'table-2']);
  });

  it('leaves the fused order when the query has no content words', () => {
    const out = reranker.rerank('the of', [candidate('a', 'x', 0.2), candidate('b', 'y', 0.9)]);
    expect(out.map((c) => [c.chunk.chunk_id, c.rerank])).toEqual([
      ['a', 0.2],
      ['b', 0.9],
    ]);
  });
});
