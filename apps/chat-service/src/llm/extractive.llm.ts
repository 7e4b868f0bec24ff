import { CompletionChunk, contentWords } from '@rag/ai';
import { concatRewrite, GenerationInput, LlmProvider } from './llm-provider';

export const NOT_FOUND = 'Not found in the documents.';

/**
 * Offline answerer, honest about what it is: it picks the retrieved sentences that best match the
 * question and returns them verbatim, each followed by its [n] citation. No text is generated.
 */
export class ExtractiveLlm implements LlmProvider {
  readonly name = 'extractive';

  constructor(private readonly maxSentences = 3) {}

  async *generate(input: GenerationInput, signal: AbortSignal): AsyncIterable<CompletionChunk> {
    const q = new Set(contentWords(input.question));
    const scored: Array<{ text: string; n: number; score: number; order: number }> = [];
    let order = 0;
    for (const s of input.sources) {
      const plain = s.dataType === 'table_html' ? s.text.replace(/<\/t[dh]>/g, ' | ').replace(/<[^>]+>/g, ' ') : s.text;
      for (const sentence of plain.match(/[^.!?\n]+[.!?]?/g) ?? []) {
        const t = sentence.replace(/\s+/g, ' ').trim();
        if (t.length < 25) continue;
        const words = contentWords(t);
        const hits = new Set(words.filter((w) => q.has(w))).size;
        if (hits === 0) continue;
        // Coverage of the question, lightly favouring higher-ranked sources.
        scored.push({ text: t, n: s.n, score: hits / Math.max(q.size, 1) + 0.05 / s.n, order: order++ });
      }
    }
    const picked = scored.sort((a, b) => b.score - a.score).slice(0, this.maxSentences).sort((a, b) => a.order - b.order);
    const answer = picked.length ? picked.map((p) => `${/[.!?]$/.test(p.text) ? p.text : p.text + '.'} [${p.n}]`).join(' ') : NOT_FOUND;
    const words = answer.split(/(?<=\s)/);
    for (let i = 0; i < words.length; i += 4) {
      if (signal.aborted) return;
      yield { text: words.slice(i, i + 4).join('') };
      // Yield to the event loop between pieces so they leave as separate events.
      await new Promise((r) => setImmediate(r));
    }
    yield { text: '', usage: { promptTokens: 0, completionTokens: 0 } };
  }

  async rewrite(question: string, history: Array<{ role: 'user' | 'assistant'; content: string }>): Promise<string> {
    return concatRewrite(question, history);
  }
}
