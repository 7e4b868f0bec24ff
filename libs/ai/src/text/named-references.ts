/** Labels that number a part of a document, and the words people write for them. */
const LABELS = new Map(
  Object.entries({
    table: 'table',
    tab: 'table',
    figure: 'figure',
    fig: 'figure',
    chart: 'chart',
    box: 'box',
    appendix: 'appendix',
    annex: 'appendix',
    exhibit: 'exhibit',
    supplement: 'supplement',
  }),
);

// A word, then a number ("2b"), a roman numeral or a capital letter: "box a" in prose is no reference.
const REFERENCE = /\b([A-Za-z]+)(?:\.\s*|\s+)([0-9]+[a-z]?|[IVX]+|[A-Z])\b/g;

/**
 * The numbered parts a text names ("Table 1", "fig. 2b", "Appendix C"), as "table 1", "figure 2b",
 * "appendix c". Word tokenisation drops a lone number, so "Table 1" and "Table 2" would otherwise
 * be the same query.
 */
export function namedReferences(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(REFERENCE)) {
    const label = LABELS.get(m[1].toLowerCase());
    if (label) out.add(`${label} ${m[2].toLowerCase()}`);
  }
  return [...out];
}
