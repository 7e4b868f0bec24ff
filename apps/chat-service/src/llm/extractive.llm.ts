import { CompletionChunk, contentWords, decodeHtmlEntities, splitSentences } from '@rag/ai';
import { Citation } from '@rag/contracts';
import { NOT_FOUND } from '../prompt/system-prompt';
import { Lexicon } from './lexicon';
import { concatRewrite, GenerationInput, LlmProvider } from './llm-provider';

/**
 * Offline answerer, honest about what it is: it picks the retrieved passages (sentences, or table
 * rows with their column headers) that best match the question and returns them verbatim, each
 * followed by its [n] citation. No text is generated.
 */
export class ExtractiveLlm implements LlmProvider {
  readonly name = 'extractive';

  constructor(
    private readonly lexicon?: Lexicon,
    private readonly maxPassages = 3,
  ) {}

  async *generate(input: GenerationInput, signal: AbortSignal): AsyncIterable<CompletionChunk> {
    const answer = extractAnswer(input.question, input.sources, this.maxPassages, this.lexicon);
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
    return this.lexicon ? carryOverRewrite(question, history, this.lexicon) : concatRewrite(question, history);
  }
}

const REFERS_BACK = /\b(it|its|they|them|their|this|that|these|those|he|she|him|her)\b/i;

/**
 * Offline follow-up rewrite: a question that refers back ("is it safe?") or names no subject of its
 * own ("what are the side effects?") gets the subject of the conversation: the specific words (see
 * Lexicon) of the latest earlier question that had any, so the subject of turn one still stands at
 * turn three. A question with its own subject and no reference back stands as it is.
 */
export function carryOverRewrite(question: string, history: Array<{ role: 'user' | 'assistant'; content: string }>, lexicon: Lexicon): string {
  const own = contentWords(question);
  const specific = (words: string[]) => withoutNumbers(words).filter((w) => !lexicon.isGeneral(w));
  if (specific(own).length && !REFERS_BACK.test(question)) return question;
  for (const turn of [...history].reverse()) {
    if (turn.role !== 'user') continue;
    const subject = specific(contentWords(turn.content)).filter((w) => !own.includes(w)).slice(0, 6);
    if (subject.length) return `${question} (${subject.join(' ')})`;
  }
  return question;
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
 * With a lexicon, a question the passages do not speak to (see `unsupported`) is answered NOT_FOUND.
 */
export function extractAnswer(question: string, sources: Citation[], max: number, lexicon?: Lexicon): string {
  const q = new Set(contentWords(question));
  const passages: Passage[] = [];
  for (const s of sources) {
    for (const text of s.dataType === 'table_html' ? tableRows(s.text) : textPassages(s.text)) {
      const words = new Set(contentWords(text));
      if (words.size) passages.push({ text, n: s.n, order: passages.length, words });
    }
  }
  if (lexicon && unsupported([...q], passages, lexicon)) return NOT_FOUND;
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

/**
 * Whether the passages leave the question's subject unsaid: half or more of its specific words
 * (rare nouns and names: "warfarin", "glaucoma", "MMWR") appear in none of them, in any form, with
 * a quarter of all its words, or half of all its words do. Numbers are left out: a value asked for need not be in the question.
 */
export function unsupported(question: string[], passages: Array<{ words: Set<string> }>, lexicon: Lexicon): boolean {
  const said = new Set<string>();
  for (const p of passages) for (const w of p.words) for (const l of lexicon.lemmas(w)) said.add(l);
  const words = withoutNumbers(question);
  if (!words.length) return false;
  const long = [...said].filter((w) => w.length >= 7);
  // A long word is said in another form when a passage word shares most of it: undertreated / undertreatment, prognostication / prognostic.
  const near = (w: string) => w.length >= 7 && long.some((x) => commonPrefix(w, x) >= Math.max(6, Math.ceil(0.7 * Math.min(w.length, x.length))));
  const missing = (w: string) => !lexicon.lemmas(w).some((l) => said.has(l)) && !near(w);
  const specific = words.filter((w) => !lexicon.isGeneral(w));
  const missingSpecific = specific.filter(missing).length;
  const missingShare = words.filter(missing).length / words.length;
  // A long question (a study's title) may name one thing in a form no passage has; most of it said is enough.
  return (missingSpecific >= 1 && missingSpecific >= 0.5 * specific.length && missingShare >= 0.25) || missingShare >= 0.5;
}

/** Distinct words, numbers left out: a question's subject is never a number. */
const withoutNumbers = (words: string[]) => [...new Set(words)].filter((w) => !/^\d+$/.test(w));

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
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
