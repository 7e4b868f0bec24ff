import { contentWords } from '@rag/ai';
import { FusedCandidate } from './fusion';

export interface RankedCandidate extends FusedCandidate {
  rerank: number | null;
}

export interface Reranker {
  rerank(query: string, candidates: FusedCandidate[]): RankedCandidate[];
}

/**
 * Offline reranker: blends the fused retrieval score with how much of the query the chunk covers
 * (distinct query words present, and query word pairs that appear side by side). Cheap, and it
 * fixes the common case where a chunk ranks high on a few frequent words but misses the rest.
 */
export class LexicalReranker implements Reranker {
  rerank(query: string, candidates: FusedCandidate[]): RankedCandidate[] {
    const qw = contentWords(query);
    const q = [...new Set(qw)];
    if (q.length === 0 || candidates.length === 0) return candidates.map((c) => ({ ...c, rerank: c.fused }));
    const qPairs = new Set<string>();
    for (let i = 0; i + 1 < qw.length; i++) qPairs.add(`${qw[i]} ${qw[i + 1]}`);
    const maxFused = Math.max(...candidates.map((c) => c.fused)) || 1;
    return candidates
      .map((c) => {
        const words = contentWords(c.chunk.text);
        const set = new Set(words);
        const coverage = q.filter((w) => set.has(w)).length / q.length;
        let pairHits = 0;
        for (let i = 0; i + 1 < words.length; i++) if (qPairs.has(`${words[i]} ${words[i + 1]}`)) pairHits++;
        const proximity = qPairs.size ? Math.min(1, pairHits / qPairs.size) : 0;
        // Weights chosen on queries.dev.jsonl (see bench/RESULTS.md): retrieval stays the main signal.
        const rerank = 0.6 * (c.fused / maxFused) + 0.3 * coverage + 0.1 * proximity;
        return { ...c, rerank };
      })
      .sort((a, b) => b.rerank - a.rerank);
  }
}

export class NoReranker implements Reranker {
  rerank(_query: string, candidates: FusedCandidate[]): RankedCandidate[] {
    return candidates.map((c) => ({ ...c, rerank: null }));
  }
}

export const RERANKER = Symbol('RERANKER');
