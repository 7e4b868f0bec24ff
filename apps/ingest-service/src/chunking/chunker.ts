import { estimateTokens, splitSentences } from '@rag/ai';
import { DataType } from '@rag/contracts';
import { Box, Element, endsSentence } from '../partition/element';
import { escapeHtml } from '../partition/page-layout';

/** A longer "title" is a paragraph in a larger font: chunked as text, never cut to a heading. */
const MAX_HEADING_CHARS = 300;

/** A table's caption or title, repeated in each of its chunks so a question naming the table finds them. */
const MAX_CAPTION_CHARS = 200;
const CAPTION = /^(table|tab\.)\s*[\dA-Z]/i;

export interface ChunkingOptions {
  maxTokens: number;
  overlapTokens: number;
  /** Rows per table chunk are bounded by maxTokens; the header row is repeated in each. */
}

export interface Chunk {
  index: number;
  text: string;
  dataType: DataType;
  pageNumber: number;
  pageEnd: number;
  /** The headings the chunk is under, outermost first (document title › section › subsection). */
  headingPath: string[];
  /** The regions of its page its text comes from (PDF user space), where the layout knew them. */
  regions: Box[];
}

/** Headings kept above a chunk, at most (deeper ones replace the innermost). */
const MAX_PATH = 6;

/** Headings alone at the foot of a page move to the next page's chunk when there are this many at most; more are a page of their own. */
const MAX_CARRIED_HEADINGS = 3;

/**
 * Structure-aware chunking. A heading starts a chunk and is kept at its top; paragraphs fill a
 * chunk up to the token budget, and every page starts a new chunk, so a citation points at the
 * page where the text is. Over-long paragraphs are split by
 * sentence with overlap. Tables become their own chunks, split by rows with the header repeated.
 */
export function chunkElements(elements: Element[], opts: ChunkingOptions): Chunk[] {
  const out: Chunk[] = [];
  let buf: string[] = [];
  let tokens = 0;
  let start = 0;
  let end = 0;
  let heading = '';
  let headingBox: Box | undefined;
  let headingPage = 0;
  let boxes: Box[] = [];
  // Open headings, outermost first: a heading closes those of its size or smaller.
  let path: Array<{ text: string; size: number }> = [];
  const headingPath = () => path.map((h) => h.text);
  // The buffer holds only headings: the next heading or text joins them instead of leaving them a chunk alone.
  let onlyHeadings = false;
  const emit = () => {
    const text = buf.join('\n').trim();
    if (text)
      out.push({
        index: out.length,
        text,
        dataType: 'text',
        pageNumber: start,
        pageEnd: end,
        headingPath: headingPath(),
        regions: boxes,
      });
    buf = [];
    boxes = [];
    tokens = 0;
    onlyHeadings = false;
  };
  const add = (text: string, page: number, box?: Box) => {
    if (buf.length === 0) {
      start = page;
      if (heading && text !== heading) {
        buf.push(heading);
        tokens += estimateTokens(heading);
        // The heading is drawn where it stands only when that is this chunk's page.
        if (headingBox && headingPage === page) boxes.push(headingBox);
      }
    }
    if (box) boxes.push(box);
    buf.push(text);
    tokens += estimateTokens(text);
    end = page;
    onlyHeadings = false;
  };

  // The short text just before a table on its page: its caption ("Table 1 ...") or title.
  let caption: { text: string; page: number } | null = null;
  for (let el of elements) {
    if (el.kind === 'table') {
      emit();
      const title = caption?.page === el.page ? caption.text : heading;
      out.push(...tableChunks(el, opts.maxTokens, out.length, title, headingPath()));
      continue;
    }
    // A date or a page number ("2025", "Page 3") names nothing: the title before it stays the caption.
    const names = /\p{L}{2,}\S*\s+\S*\p{L}{2,}/u.test(el.text);
    caption =
      el.text.length <= MAX_CAPTION_CHARS &&
      names &&
      (el.kind === 'title' || CAPTION.test(el.text) || !caption || caption.page !== el.page)
        ? { text: el.text, page: el.page }
        : caption;
    if (el.kind === 'image') {
      // A vision model's description of a figure: one chunk of its own, cited at its page.
      emit();
      if (el.text.trim())
        out.push({
          index: out.length,
          text: el.text.trim(),
          dataType: 'image_summary',
          pageNumber: el.page,
          pageEnd: el.page,
          headingPath: headingPath(),
          regions: el.box ? [el.box] : [],
        });
      continue;
    }
    if (buf.length && el.page !== end) {
      // A chunk never spans pages, so its citation is the page its text is on. A paragraph that runs
      // on starts the next page's chunk with its unfinished sentence, so that sentence reads whole there.
      const carry = el.continued ? unfinishedSentence(buf[buf.length - 1]) : '';
      if (onlyHeadings && buf.length <= MAX_CARRIED_HEADINGS) {
        // Headings alone at the foot of a page head the next page's chunk instead of being one (their regions are on the other page).
        start = el.page;
        boxes = [];
      } else {
        emit();
      }
      if (carry) el = { ...el, text: `${carry} ${el.text}` };
    }
    if (el.kind === 'title' && el.text.length <= MAX_HEADING_CHARS) {
      // Headings in a row head one chunk, up to the token budget (a slide of nothing but large type is text of its own).
      if (!onlyHeadings || tokens + estimateTokens(el.text) > opts.maxTokens) emit();
      heading = el.text;
      headingBox = el.box;
      headingPage = el.page;
      const size = el.size ?? 0;
      path = [...path.filter((h, i) => h.size > size && i < MAX_PATH - 1), { text: heading, size }];
      add(heading, el.page, el.box);
      onlyHeadings = true;
      continue;
    }
    const t = estimateTokens(el.text);
    if (t > opts.maxTokens) {
      emit();
      for (const piece of splitLong(el.text, opts.maxTokens, opts.overlapTokens)) {
        add(piece, el.page, el.box);
        emit();
      }
      continue;
    }
    if (tokens + t > opts.maxTokens && buf.length) {
      const tail = overlapTail(buf.join(' '), opts.overlapTokens);
      emit();
      if (tail) add(tail, el.page);
    }
    add(el.text, el.page, el.box);
  }
  emit();
  return out.map((c, i) => ({ ...c, index: i }));
}

function tableChunks(el: Element, maxTokens: number, base: number, title: string, headingPath: string[]): Chunk[] {
  const html = el.html ?? '';
  const caption = title ? `<caption>${escapeHtml(title)}</caption>` : '';
  const thead = /<thead>[\s\S]*?<\/thead>/.exec(html)?.[0] ?? '';
  const head = caption + thead;
  const rows = html.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
  const bodyRows = rows.slice((thead.match(/<tr>/g) ?? []).length);
  const headTokens = estimateTokens(head.replace(/<[^>]+>/g, ' '));
  const chunks: Chunk[] = [];
  let cur: string[] = [];
  let tokens = headTokens;
  const emit = () => {
    if (!cur.length && chunks.length) return;
    chunks.push({
      index: base + chunks.length,
      text: `<table>${head}<tbody>${cur.join('')}</tbody></table>`,
      dataType: 'table_html',
      pageNumber: el.page,
      pageEnd: el.page,
      headingPath,
      regions: el.box ? [el.box] : [],
    });
    cur = [];
    tokens = headTokens;
  };
  for (const r of bodyRows) {
    // Never split inside a row: a row is the unit.
    const t = estimateTokens(r.replace(/<[^>]+>/g, ' ')) + 2;
    if (tokens + t > maxTokens && cur.length) emit();
    cur.push(r);
    tokens += t;
  }
  emit();
  return chunks;
}

function splitLong(text: string, maxTokens: number, overlap: number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let t = 0;
  for (const s of splitSentences(text)) {
    const st = estimateTokens(s);
    if (t + st > maxTokens && cur.length) {
      out.push(cur.join(' '));
      const tail = overlapTail(cur.join(' '), overlap);
      cur = tail ? [tail] : [];
      t = estimateTokens(tail);
    }
    if (st > maxTokens) {
      // A single run-on "sentence": cut by words.
      const words = s.split(/\s+/);
      const per = Math.max(1, Math.floor(maxTokens / 1.3));
      for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(' '));
      continue;
    }
    cur.push(s);
    t += st;
  }
  if (cur.length) out.push(cur.join(' '));
  return out;
}

/** The sentence a paragraph ends in when it ends without closing it, or ''. */
function unfinishedSentence(text: string): string {
  const last = splitSentences(text).pop()?.trim() ?? '';
  return last && !endsSentence(last) ? last : '';
}

/** The last whole sentences worth about `overlap` tokens, carried into the next chunk. */
function overlapTail(text: string, overlap: number): string {
  if (overlap <= 0) return '';
  const ss = splitSentences(text);
  const tail: string[] = [];
  let t = 0;
  for (let i = ss.length - 1; i >= 0; i--) {
    const st = estimateTokens(ss[i]);
    if (t + st > overlap) break;
    tail.unshift(ss[i]);
    t += st;
  }
  return tail.join(' ');
}
