import { contentWords, plainChunkText } from '@rag/ai';

export interface FeedbackSettings {
  /** Top results of the first pass taken as relevant. */
  docs: number;
  /** Words added to the second pass. */
  terms: number;
  /** Weight of their matches (the query's own words weigh 1). */
  weight: number;
}

export const DEFAULT_FEEDBACK: FeedbackSettings = { docs: 3, terms: 8, weight: 0.2 };

/** The service's feedback settings, or null when a search asks for none by default. */
export const SEARCH_FEEDBACK = Symbol('SEARCH_FEEDBACK');

/**
 * Pseudo-relevance feedback (RM3-style): the words that the first pass's top results share and
 * the rest of its results do not, to search again with. Each top result votes for its words by
 * their share of its length, the better-ranked result more; a word found in many of the results
 * (the collection's subject) is discounted by its spread over all of them. The query's own words,
 * numbers and short words are never added.
 */
export function feedbackTerms(
  query: string,
  ranked: Array<{ text: string; data_type: string }>,
  s: FeedbackSettings = DEFAULT_FEEDBACK,
): string[] {
  if (ranked.length < 2 || s.terms <= 0) return [];
  const own = new Set(contentWords(query));
  const docs = ranked.map((r) => contentWords(plainChunkText({ text: r.text, dataType: r.data_type })));
  const df = new Map<string, number>();
  for (const words of docs) for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
  const score = new Map<string, number>();
  docs.slice(0, s.docs).forEach((words, rank) => {
    if (!words.length) return;
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const [w, n] of tf) {
      if (own.has(w) || w.length < 3 || /\d/.test(w)) continue;
      score.set(w, (score.get(w) ?? 0) + n / words.length / (rank + 1));
    }
  });
  const idf = (w: string) => Math.log(1 + docs.length / (df.get(w) ?? 1));
  return [...score]
    .filter(([w]) => (df.get(w) ?? 0) >= 2 || docs.length <= s.docs)
    .map(([w, v]) => [w, v * idf(w)] as const)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, s.terms)
    .map(([w]) => w);
}
