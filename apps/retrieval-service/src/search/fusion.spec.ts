import { linearFusion, rrfFusion } from './fusion';
import { LexicalReranker } from './lexical.reranker';
import { scoredChunk } from './scored-chunk.fixture';

const chunk = scoredChunk;

describe('fusion', () => {
  it('linear fusion weights cosine as is and min-max BM25, and keeps per-stage scores', () => {
    const out = linearFusion([chunk('a', 0.9), chunk('b', 0.5)], [chunk('b', 10), chunk('c', 2)], 0.7);
    expect(out.map((c) => c.chunk.chunk_id)).toEqual(['b', 'a', 'c']);
    const b = out.find((c) => c.chunk.chunk_id === 'b')!;
    expect(b.vector).toBe(0.5);
    expect(b.fts).toBe(10);
    expect(b.fused).toBeCloseTo(0.7 * 0.5 + 0.3 * 1);
    expect(out.find((c) => c.chunk.chunk_id === 'a')!.fused).toBeCloseTo(0.63);
  });

  it('does not let near-equal vector scores outvote a clear full-text winner', () => {
    // Min-max on the vector side would make 0.41 vs 0.40 a full 0..1 gap worth 0.7.
    const out = linearFusion([chunk('v', 0.41), chunk('t', 0.4)], [chunk('t', 20), chunk('v', 5)], 0.7);
    expect(out[0].chunk.chunk_id).toBe('t');
  });

  it('scores a full-text-only candidate with its own cosine when given', () => {
    const out = linearFusion([chunk('a', 0.5)], [chunk('b', 10), chunk('a', 1)], 0.7, new Map([['b', 0.45]]));
    const b = out.find((c) => c.chunk.chunk_id === 'b')!;
    expect(b.vector).toBe(0.45);
    expect(b.fused).toBeCloseTo(0.7 * 0.45 + 0.3);
    expect(out[0].chunk.chunk_id).toBe('b');
  });

  it('rrf rewards agreement between retrievers', () => {
    const out = rrfFusion([chunk('a', 0.9), chunk('b', 0.8)], [chunk('b', 5), chunk('c', 4)]);
    expect(out[0].chunk.chunk_id).toBe('b');
  });

  it('the lexical reranker prefers chunks covering more of the query', () => {
    const fused = linearFusion(
      [
        chunk('partial', 0.9, 'insulin therapy'),
        chunk('full', 0.85, 'insulin therapy in type 2 diabetes outcomes'),
        chunk('other', 0.1, 'unrelated text'),
      ],
      [],
      1,
    );
    const out = new LexicalReranker().rerank('insulin therapy type 2 diabetes outcomes', fused);
    expect(out[0].chunk.chunk_id).toBe('full');
    expect(out[0].rerank).not.toBeNull();
  });
});
