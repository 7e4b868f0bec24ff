/** Letters and digits only, lower case: a PDF's text layer and a chunk differ in spaces, hyphens and quotes. */
const fold = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Shortest stretch worth marking: a few letters match anywhere on a page. */
const MIN_CHARS = 12;

/**
 * Which text items of a page (pdf.js text-layer strings, in order) hold the quoted passages: each
 * quote is looked up in the page's letters and digits, whole, or else by its opening and closing
 * stretches (a quote that runs on past the page, or that the layer splits oddly, still marks what the
 * page has of it). Returns the indices of the items to highlight.
 */
export function highlightItems(items: string[], quotes: string[]): Set<number> {
  const starts: number[] = [];
  let page = '';
  for (const item of items) {
    starts.push(page.length);
    page += fold(item);
  }
  const marked = new Set<number>();
  const mark = (from: number, to: number) => {
    for (let i = 0; i < items.length; i++) {
      const end = i + 1 < starts.length ? starts[i + 1] : page.length;
      if (starts[i] < to && end > from && end > starts[i]) marked.add(i);
    }
  };
  for (const quote of quotes) {
    const q = fold(quote);
    if (q.length < MIN_CHARS) continue;
    const at = page.indexOf(q);
    if (at >= 0) {
      mark(at, at + q.length);
      continue;
    }
    // Else its opening and its closing stretch, each found on its own and followed as far as it matches.
    const head = page.indexOf(q.slice(0, MIN_CHARS));
    const tail = page.lastIndexOf(q.slice(-MIN_CHARS));
    let forward = 0;
    while (head >= 0 && head + forward < page.length && forward < q.length && page[head + forward] === q[forward])
      forward++;
    let back = 0;
    while (
      tail >= 0 &&
      tail + MIN_CHARS - 1 - back >= 0 &&
      back < q.length &&
      page[tail + MIN_CHARS - 1 - back] === q[q.length - 1 - back]
    )
      back++;
    if (head >= 0 && tail > head) mark(head, tail + MIN_CHARS);
    else {
      if (head >= 0) mark(head, head + forward);
      if (tail >= 0) mark(tail + MIN_CHARS - back, tail + MIN_CHARS);
    }
  }
  return marked;
}

/**
 * The passages an answer quotes from each source: the text before each [n] back to the previous
 * marker. An answer quoting source 1 twice gives two quotes for 1.
 */
export function quotesBySource(answer: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let last = 0;
  for (const m of answer.matchAll(/\[(\d+)\]/g)) {
    const text = answer.slice(last, m.index).trim();
    last = m.index! + m[0].length;
    if (!text) continue;
    const n = Number(m[1]);
    out.set(n, [...(out.get(n) ?? []), text]);
  }
  return out;
}
