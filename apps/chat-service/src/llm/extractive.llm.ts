import { CompletionChunk, contentWords, decodeHtmlEntities, splitSentences } from '@rag/ai';
import { Citation } from '@rag/contracts';
import { concatRewrite, GenerationInput, LlmProvider } from './llm-provider';

export const NOT_FOUND = 'Not found in the documents.';

/**
 * Offline answerer, honest about what it is: it picks the retrieved passages (sentences, or table
 * rows with their column headers) that best match the question and returns them verbatim, each
 * followed by its [n] citation. No text is generated.
 */
export class ExtractiveLlm implements LlmProvider {
  readonly name = 'extractive';

  constructor(private readonly maxPassages = 3) {}

  async *generate(input: GenerationInput, signal: AbortSignal): AsyncIterable<CompletionChunk> {
    const answer = extractAnswer(input.question, input.sources, this.maxPassages);
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

interface Passage {
  text: string;
  n: number;
  order: number;
  words: Set<string>;
}

/**
 * The passages that cover most of the question, weighting each question word by how rare it is
 * among the passages (a word every passage has, such as the document's subject, decides nothing),
 * lightly favouring higher-ranked sources; in source order, so they read as they were written.
 */
export function extractAnswer(question: string, sources: Citation[], max: number): string {
  const q = new Set(contentWords(question));
  const passages: Passage[] = [];
  for (const s of sources) {
    for (const text of s.dataType === 'table_html' ? tableRows(s.text) : textPassages(s.text)) {
      const words = new Set(contentWords(text));
      if (words.size) passages.push({ text, n: s.n, order: passages.length, words });
    }
  }
  const df = new Map<string, number>();
  for (const p of passages) for (const w of p.words) if (q.has(w)) df.set(w, (df.get(w) ?? 0) + 1);
  const weight = (w: string) => Math.log(1 + passages.length / (df.get(w) ?? passages.length));
  const total = [...q].reduce((sum, w) => sum + weight(w), 0) || 1;
  const picked = passages
    .map((p) => ({ p, score: [...q].reduce((sum, w) => sum + (p.words.has(w) ? weight(w) : 0), 0) / total + 0.02 / p.n }))
    .filter((x) => x.score > 0.02)
    .sort((a, b) => b.score - a.score)
    .slice(0, max)
    .map((x) => x.p)
    .sort((a, b) => a.order - b.order);
  if (!picked.length) return NOT_FOUND;
  return picked.map((p) => `${/[.!?]$/.test(p.text) ? p.text : p.text + '.'} [${p.n}]`).join(' ');
}

/** Sentences of a text chunk (its lines are headings and paragraphs; sentence ends keep decimals whole). */
function textPassages(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => splitSentences(line))
    .map((t) => t.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** Rows of a table chunk, each cell prefixed by its column header: "Disease: Mumps; Cases (%): 870 (8)". */
function tableRows(html: string): string[] {
  const cells = (row: string) => [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => decodeHtmlEntities(m[1].replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim());
  const rows = (html.match(/<tr[^>]*>[\s\S]*?<\/tr>/g) ?? []).map(cells);
  const header = /<thead>/.test(html) ? rows.shift() ?? [] : [];
  return rows.map((r) => r.map((c, i) => (header[i] && c ? `${header[i]}: ${c}` : c)).filter(Boolean).join('; ')).filter(Boolean);
}
