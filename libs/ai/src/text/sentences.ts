const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Sentences of a text, lossless: the pieces, joined with single spaces, hold every non-space
 * character of the input in order. Uses the Unicode sentence rules (UAX #29), so "2.3", "1.2-4.6"
 * and "p<.001" stay inside their sentence; a regex split at every period cut numbers apart and,
 * used with String.match, silently skipped the characters it could not match.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    const s = segment.replace(/\s+/g, ' ').trim();
    if (!s) continue;
    // UAX #29 breaks after "e.g. " or "Fig. " when a capital follows; a piece that short rejoins the last one.
    if (
      out.length &&
      (s.length < 4 || /\b(e\.g|i\.e|vs|Fig|Figs|No|al|approx|Dr|Mr|Ms|Mrs)\.$/.test(out[out.length - 1]))
    ) {
      out[out.length - 1] += ' ' + s;
    } else {
      out.push(s);
    }
  }
  return out;
}
