import {
  columnNames,
  CompletionChunk,
  contentWords,
  QueryExpander,
  splitSentences,
  tableCells,
  Thesaurus,
} from '@rag/ai';
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
    private readonly know: AnswerKnowledge = {},
    private readonly maxPassages = 3,
  ) {}

  async *generate(input: GenerationInput, signal: AbortSignal): AsyncIterable<CompletionChunk> {
    const answer = extractAnswer(input.question, input.sources, this.maxPassages, this.know);
    const words = answer.split(/(?<=\s)/);
    for (let i = 0; i < words.length; i += 4) {
      if (signal.aborted) return;
      yield { text: words.slice(i, i + 4).join('') };
      // Yield to the event loop between pieces so they leave as separate events.
      await new Promise((r) => setImmediate(r));
    }
    yield { text: '', usage: { promptTokens: 0, completionTokens: 0 } };
  }

  onModuleDestroy(): void {
    this.know.thesaurus?.close();
  }

  async rewrite(question: string, history: Array<{ role: 'user' | 'assistant'; content: string }>): Promise<string> {
    return this.know.lexicon
      ? carryOverRewrite(question, history, this.know.lexicon)
      : concatRewrite(question, history);
  }
}

const REFERS_BACK = /\b(it|its|they|them|their|this|that|these|those|he|she|him|her)\b/i;

/**
 * Offline follow-up rewrite: a question that refers back ("is it safe?") or names no subject of its
 * own ("what are the side effects?") gets the subject of the conversation: the specific words (see
 * Lexicon) of the latest earlier question that had any, so the subject of turn one still stands at
 * turn three. A question with its own subject and no reference back stands as it is.
 */
export function carryOverRewrite(
  question: string,
  history: Array<{ role: 'user' | 'assistant'; content: string }>,
  lexicon: Lexicon,
): string {
  const own = contentWords(question);
  const specific = (words: string[]) => withoutNumbers(words).filter((w) => !lexicon.isGeneral(w));
  if (specific(own).length && !REFERS_BACK.test(question)) return question;
  for (const turn of [...history].reverse()) {
    if (turn.role !== 'user') continue;
    const subject = specific(contentWords(turn.content))
      .filter((w) => !own.includes(w))
      .slice(0, 6);
    if (subject.length) return `${question} (${subject.join(' ')})`;
  }
  return question;
}

interface Passage {
  text: string;
  n: number;
  order: number;
  words: Set<string>;
  /** Base forms of its words: a question word matches in any of its forms. */
  lemmas: Set<string>;
  /** A question or a lead-in ("Will other people know my result?", "Side effects:"): what answers it is the passage after it. */
  lead: boolean;
  /** The passage after it in the same chunk. */
  next?: Passage;
}

/** What the answerer knows of words besides their letters: base forms, everyday synonyms, a thesaurus. */
export interface AnswerKnowledge {
  lexicon?: Lexicon;
  expander?: QueryExpander;
  /** Synonyms of a question's rare words (expiry → expiration): the passages may name its subject so. */
  thesaurus?: Thesaurus;
}

/** Words that name the source, not the subject: "the leaflet", "the schedule", "the presenters". */
const ABOUT_THE_SOURCE = new Set(
  'document documents leaflet brochure booklet guide guidance schedule table tables figure report paper article study slide slides deck presenter presenters author authors page pages section text tool'.split(
    ' ',
  ),
);

/**
 * The passages that answer the question: each scores by the question words it holds (in any form,
 * or as the documents' term for an everyday word), each word weighted by how rare it is among the
 * passages (a word every passage has, such as the document's subject, decides nothing), plus what
 * the question asks for (a number, a name, an address) and the source's rank. A question or a
 * lead-in gives its score to the passage after it, which holds its answer. Near-copies are left
 * out; the rest read in source order. With a lexicon, a question the passages do not speak to
 * (see `unsupported`) is answered NOT_FOUND.
 */
export function extractAnswer(question: string, sources: Citation[], max: number, know: AnswerKnowledge = {}): string {
  const { lexicon, expander, thesaurus } = know;
  const lemmasOf = (w: string) => (lexicon ? lexicon.lemmas(w) : [w]);
  const q = [...new Set(answerWords(question))];
  const passages: Passage[] = [];
  for (const s of sources) {
    let prev: Passage | undefined;
    // The file's name says what all of its passages are about: "the openFDA field reference" picks none of its rows.
    const named = answerWords(s.filename.replace(/\.\w+$/, '').replace(/[_-]+/g, ' ')).flatMap(lemmasOf);
    for (const text of s.dataType === 'table_html' ? tableRows(s.text) : textPassages(s.text)) {
      const words = new Set(answerWords(text));
      if (!words.size) continue;
      const lemmas = new Set([...[...words].flatMap(lemmasOf), ...named]);
      const p: Passage = {
        text,
        n: s.n,
        order: passages.length,
        words,
        lemmas,
        lead: s.dataType !== 'table_html' && isLead(text),
      };
      if (prev) prev.next = p;
      prev = p;
      passages.push(p);
    }
  }
  // The documents' terms for the question's everyday words ("queasy" → nausea), each credited to the word it stands for.
  const alternatives = new Map<string, string[]>();
  // A rare word's one-word synonyms too: a common word's are often of another sense ("keep" → "stay"), and a
  // phrase's words are no synonym one by one ("lipid-lowering medicine" for statin is not "medicine").
  for (const w of q) {
    const alt = expander ? expander.expand(w).flatMap((e) => e.words) : [];
    if (thesaurus && lexicon && !lexicon.isGeneral(w) && !/\d/.test(w))
      alt.push(...thesaurus.synonyms(w).filter((x) => /^[a-z]+$/.test(x) && !alt.includes(x)));
    if (alt.length) alternatives.set(w, alt);
  }
  if (lexicon && unsupported(q, passages, lexicon, alternatives)) return NOT_FOUND;
  // Each question word's (and alternative's) base forms, looked up once, not once per passage.
  const forms = new Map<string, string[]>();
  const formsOf = (w: string) => forms.get(w) ?? forms.set(w, lemmasOf(w)).get(w)!;
  const has = (p: Passage, w: string) => formsOf(w).some((l) => p.lemmas.has(l));
  const hasAlternative = (p: Passage, w: string) => (alternatives.get(w) ?? []).some((a) => has(p, a));
  // Words naming the source or the asker ("the leaflet", "my dad") say nothing of which passage answers.
  const subject = q.filter((w) => !ABOUT_THE_SOURCE.has(w) && !ABOUT_THE_ASKER.has(w));
  const terms = subject.length ? subject : q;
  const df = new Map<string, number>();
  for (const w of terms) df.set(w, passages.filter((p) => has(p, w) || hasAlternative(p, w)).length);
  const weight = (w: string) => Math.log(1 + passages.length / (df.get(w) || passages.length));
  const total = terms.reduce((sum, w) => sum + weight(w), 0) || 1;
  const wants = asksFor(question);
  // What the question asks for is not what it already says: "PrEP" is no answer to "which PrEP medication?".
  const said = new Set(question.toLowerCase().match(TOKEN) ?? []);
  const holdsAnswer = (p: Passage) =>
    !!wants && wants.test(p.text.replace(TOKEN, (t) => (said.has(t.toLowerCase()) ? ' ' : t)));
  const scores = new Map<Passage, number>();
  for (const p of passages) {
    const matched =
      terms.reduce((sum, w) => sum + (has(p, w) ? weight(w) : hasAlternative(p, w) ? ALTERNATIVE * weight(w) : 0), 0) /
      total;
    if (matched > 0) scores.set(p, matched + (holdsAnswer(p) ? ANSWER_TYPE_BONUS : 0) + RANK_PRIOR / p.n);
  }
  // A question or lead-in passes its score on: its answer is the passage after it.
  for (const p of passages) {
    const s = scores.get(p);
    if (s !== undefined && p.lead && p.next)
      scores.set(p.next, Math.max(scores.get(p.next) ?? 0, s + (holdsAnswer(p.next) ? ANSWER_TYPE_BONUS : 0)));
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const picked: Passage[] = [];
  for (const [p] of ranked) {
    if (picked.length >= max) break;
    // A near-copy of a picked passage (a sentence repeated on several pages) adds nothing.
    if (picked.some((x) => overlap(x.words, p.words) >= 0.8)) continue;
    picked.push(p);
  }
  if (!picked.length) return NOT_FOUND;
  // The first source is retrieval's best page: its best passage is always quoted (in place of the weakest when the answer is full).
  if (!picked.some((p) => p.n === 1)) {
    const best = ranked.find(([p]) => p.n === 1);
    if (best && picked.length < max) picked.push(best[0]);
    else if (best) picked[max - 1] = best[0];
  }
  // A picked lead-in reads with what it leads to.
  for (const p of [...picked])
    if (p.lead && p.next && !picked.includes(p.next) && picked.length < max + 1) picked.push(p.next);
  // A bare "No." or "Yes." is explained by the sentence after it.
  for (const p of [...picked]) if (YES_NO.test(p.text) && p.next && !picked.includes(p.next)) picked.push(p.next);
  // Two picked sentences one apart in the same passage read as one quote with the sentence between them.
  for (const p of [...picked])
    if (p.next?.next && picked.includes(p.next.next) && !picked.includes(p.next)) picked.push(p.next);
  picked.sort((a, b) => a.order - b.order);
  return picked.map((p) => `${/[.!?:]$/.test(p.text) ? p.text : p.text + '.'} [${p.n}]`).join(' ');
}

const TOKEN = /[\p{L}\p{N}]+/gu;
const YES_NO = /^(yes|no)\b[.,!;]/i;

/** Added to a passage that holds what the question asks for (a number, a name, an address). */
const ANSWER_TYPE_BONUS = 0.15;
/** Divided by the source's rank: ties go to the better-ranked source. */
const RANK_PRIOR = 0.05;
/** A question word found only as the documents' term for it counts this much of the word itself. */
const ALTERNATIVE = 0.7;

/** What kind of text the question asks for, as a test on a passage: a number, a name, an address. */
export function asksFor(question: string): RegExp | null {
  const q = question.toLowerCase();
  if (/\be-?mail\b/.test(q)) return /@/;
  if (/\b(phone|telephone|fax)\b/.test(q)) return /\d{3}/;
  if (/\bhow (long|soon)\b|\bhow much time\b/.test(q)) return /\d|\b(days?|weeks?|months?|years?|hours?|minutes?)\b/i;
  if (/\bhow often\b|\bfrequency\b/.test(q))
    return /\d|\b(once|twice|daily|weekly|monthly|yearly|annually|every|each)\b/i;
  if (
    /\bhow (many|much|old)\b|\bwhat (percentage|proportion|share|number|percent|dose|age|amount|rate|ratio)\b|\bcost\b|\bprice\b|\bper ?cent\b/.test(
      q,
    )
  )
    return /\d/;
  // "When" asks for a time only as the question's own word, not in "decide when to trigger".
  if (/^when\b|\bwhen (is|are|was|were|do|does|did|should|will|can|must)\b|\bwhat (year|date)\b/.test(q)) return /\d/;
  if (
    /\b(which|what)( \w+)? (drug|medication|medicine|vaccine|product|brand|program|programme|company|trade name|name)\b/.test(
      q,
    )
  )
    return /®|™|\b[A-Z][a-z]*[A-Z]\w*|[a-z,;:] +[A-Z][a-z]{3,}/;
  return null;
}

/** A question, or a lead-in ending in a colon ("Side effects:", "… so as to also include:"): the passage after it holds what it introduces. */
function isLead(text: string): boolean {
  return /[?:]$/.test(text);
}

/** Share of the smaller set's words that the other holds. */
function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const w of b) if (a.has(w)) n++;
  return n / Math.max(1, Math.min(a.size, b.size));
}

/** Whom a lay question is asked for ("my dad just turned 65"): the asker's situation, not what the documents are about. */
const ABOUT_THE_ASKER = new Set(
  'dad daddy mum mom mommy mummy mother father parent parents wife husband spouse son daughter kid kids brother sister grandma grandpa grandmother grandfather grandson granddaughter aunt uncle niece nephew cousin friend boyfriend girlfriend fiance fiancee roommate neighbour neighbor colleague coworker boss'.split(
    ' ',
  ),
);

/**
 * Whether the passages leave the question's subject unsaid: half or more of its specific words
 * (rare nouns and names: "warfarin", "glaucoma", "MMWR") appear in none of them, in any form (nor
 * as the documents' term for an everyday word: "pneumonia shot" → pneumococcal), with a quarter of
 * its words, or half of its words do. Numbers, function words and words naming the source ("the
 * leaflet") are left out: a value asked for need not be in the question, and "she" or "the
 * schedule" says nothing of the subject. Each passage comes with its words' base forms (the lexicon's).
 */
export function unsupported(
  question: string[],
  passages: Array<{ lemmas: ReadonlySet<string> }>,
  lexicon: Lexicon,
  alternatives: Map<string, string[]> = new Map(),
): boolean {
  const said = new Set<string>();
  for (const p of passages) for (const l of p.lemmas) said.add(l);
  const words = withoutNumbers(question).filter(
    (w) => !ABOUT_THE_SOURCE.has(w) && !ABOUT_THE_ASKER.has(w) && !lexicon.isFunctionWord(w),
  );
  if (!words.length) return false;
  const long = [...said].filter((w) => w.length >= 7);
  // A long word is said in another form when a passage word shares most of it: undertreated / undertreatment, prognostication / prognostic.
  const near = (w: string) =>
    w.length >= 7 && long.some((x) => commonPrefix(w, x) >= Math.max(6, Math.ceil(0.7 * Math.min(w.length, x.length))));
  const saidAs = (w: string) => lexicon.lemmas(w).some((l) => said.has(l)) || near(w);
  const missing = (w: string) => !saidAs(w) && !(alternatives.get(w) ?? []).some(saidAs);
  const specific = words.filter((w) => !lexicon.isGeneral(w));
  const missingSpecific = specific.filter(missing).length;
  const missingShare = words.filter(missing).length / words.length;
  // A long question (a study's title) may name one thing in a form no passage has; most of it said is enough,
  // unless that thing is all it names: "what causes vertigo when turning over in bed?" is not about beds.
  // Half its words unsaid sinks a question only when it names no specific subject that the passages do say:
  // a lay question about a named thing ("how long do West Nile infections take to clear up?") is worded apart from its answer.
  const subjectSaid = specific.length > 0 && missingSpecific === 0;
  return (
    (missingSpecific >= 1 &&
      missingSpecific >= 0.5 * specific.length &&
      (missingShare >= 0.25 || missingSpecific === specific.length)) ||
    (missingShare >= 0.5 && !subjectSaid)
  );
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

/**
 * Rows of a table chunk, each cell prefixed by its column header: "Disease: Mumps; Cases (%): 870 (8)".
 * A row with nothing under the headed columns but its first cell ("Age group, yrs") labels the rows
 * below it, which carry the label: "Characteristic: Age group, yrs 30–39; Awareness (%): 826 (36.4)".
 */
export function tableRows(html: string): string[] {
  const { head, body } = tableCells(html);
  const header = columnNames(head);
  const out: string[] = [];
  let group = '';
  for (const r of body) {
    const isGroup = header.length > 2 && !!r[0] && r.slice(1).every((c, i) => !c || !header[i + 1]);
    if (isGroup) group = r[0];
    const labelled = group && !isGroup ? [`${group} ${r[0]}`, ...r.slice(1)] : r;
    const text = labelled
      .map((c, i) => (header[i] && c ? `${header[i]}: ${c}` : c))
      .filter(Boolean)
      .join('; ');
    if (text) out.push(text);
  }
  return out;
}

/** Content words with numbers kept whole ("30.2", "1,414"): "30" asked for is not the 30 of 30.2. Web addresses are left out. */
function answerWords(text: string): string[] {
  // The words of a web address are not what a passage says: "…/rsv-immunisation-for-pregnant-women" is no evidence on pregnancy.
  return contentWords(text.replace(URL, ' ').replace(/(\d)[.,](?=\d)/g, '$1'));
}

const URL = /\b(?:https?:\/\/|www\.)\S+/g;
