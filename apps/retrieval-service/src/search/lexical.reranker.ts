import { contentWords, namedReferences } from '@rag/ai';
import { FusedCandidate } from './fusion';

export interface RankedCandidate extends FusedCandidate {
  rerank: number | null;
}

/** Port: orders search candidates by how well each answers the query (the local one synchronously, a model over HTTP). */
export interface Reranker {
  rerank(query: string, candidates: FusedCandidate[]): RankedCandidate[] | Promise<RankedCandidate[]>;
}

/**
 * Offline reranker: blends the fused retrieval score with how much of the query the chunk covers
 * (distinct query words present, and query word pairs that appear side by side), and how much of
 * it the candidate chunks of the chunk's page cover together (page-level evidence). Cheap, and it
 * fixes the common case where a chunk ranks high on a few frequent words but misses the rest.
 * A question that names a part of a document ("in Table 1, …") lifts the chunks under that part.
 */
export class LexicalReranker implements Reranker {
  rerank(query: string, candidates: FusedCandidate[]): RankedCandidate[] {
    const qw = contentWords(query);
    // Each distinct query word gets a slot; pairs are keyed by their two slots.
    const slot = new Map<string, number>();
    for (const w of qw) if (!slot.has(w)) slot.set(w, slot.size);
    if (slot.size === 0 || candidates.length === 0) return candidates.map((c) => ({ ...c, rerank: c.fused }));
    const qPairs = new Set<number>();
    for (let i = 0; i + 1 < qw.length; i++) qPairs.add(slot.get(qw[i])! * slot.size + slot.get(qw[i + 1])!);
    const maxFused = Math.max(...candidates.map((c) => c.fused)) || 1;
    const refs = namedReferences(query);
    const seen = new Uint8Array(slot.size);
    const scored = candidates.map((c) => {
      const words = c.chunk.words ?? contentWords(c.chunk.text);
      seen.fill(0);
      let covered = 0;
      let pairHits = 0;
      let prev = -1;
      for (const w of words) {
        const s = slot.get(w) ?? -1;
        if (s >= 0 && !seen[s]) {
          seen[s] = 1;
          covered++;
        }
        if (prev >= 0 && s >= 0 && qPairs.has(prev * slot.size + s)) pairHits++;
        prev = s;
      }
      return {
        c,
        covered: seen.slice(),
        coverage: covered / slot.size,
        proximity: qPairs.size ? Math.min(1, pairHits / qPairs.size) : 0,
      };
    });
    // Query words covered by all candidate chunks of the same page: on a table or a page cut into
    // many small chunks, the row label and the cell that answers sit in different chunks.
    const pageSeen = new Map<string, Uint8Array>();
    for (const s of scored) {
      const key = `${s.c.chunk.document_id}\u0000${s.c.chunk.page_number}`;
      const acc = pageSeen.get(key) ?? new Uint8Array(slot.size);
      for (let i = 0; i < acc.length; i++) acc[i] |= s.covered[i];
      pageSeen.set(key, acc);
    }
    return scored
      .map(({ c, coverage, proximity }) => {
        const page = pageSeen.get(`${c.chunk.document_id}\u0000${c.chunk.page_number}`)!;
        const pageCoverage = page.reduce((n, v) => n + v, 0) / slot.size;
        // Weights chosen on queries.dev.jsonl (see bench/RESULTS.md): retrieval stays the main signal.
        const rerank =
          0.6 * (c.fused / maxFused) +
          0.15 * coverage +
          0.15 * pageCoverage +
          0.1 * proximity +
          REFERENCE_WEIGHT * namesAny(c.chunk.heading_path, refs);
        return { ...c, rerank };
      })
      .sort((a, b) => b.rerank - a.rerank);
  }
}

/** Enough to order chunks that match a question about equally; a plain retrieval gap still wins. */
const REFERENCE_WEIGHT = 0.1;

/** 1 when the chunk's heading path names one of the parts (a table's chunks sit under its caption). */
function namesAny(headingPath: string[] | undefined, refs: string[]): number {
  if (!refs.length || !headingPath?.length) return 0;
  return headingPath.some((h) => namedReferences(h).some((r) => refs.includes(r))) ? 1 : 0;
}

export class NoReranker implements Reranker {
  rerank(_query: string, candidates: FusedCandidate[]): RankedCandidate[] {
    return candidates.map((c) => ({ ...c, rerank: null }));
  }
}

export const RERANKER = Symbol('RERANKER');
