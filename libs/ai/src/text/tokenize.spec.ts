import { contentWords } from './tokenize';

/** The Unicode-aware reference the ASCII fast path must agree with. */
const reference = (text: string) =>
  [
    ...text
      .toLowerCase()
      .normalize('NFKC')
      .matchAll(/[\p{L}\p{N}]+/gu),
  ]
    .map((m) => m[0])
    .filter((w) => w.length > 1 && !['the', 'of', 'and', 'in', 'was', 'with'].includes(w));

describe('contentWords', () => {
  it('gives ASCII text the same tokens as the Unicode path', () => {
    const text = 'The HbA1c of 7.5% was linked, in 2019-2020, with (type-2) Diabetes_mellitus; KELVIN K.';
    expect(contentWords(text)).toEqual(reference(text));
    expect(contentWords(text)).toEqual(['hba1c', 'linked', '2019', '2020', 'type', 'diabetes', 'mellitus', 'kelvin']);
  });

  it('keeps letters outside ASCII and folds compatibility forms', () => {
    expect(contentWords('Größe der Ödeme: β-Blocker, ﬁbrosis, Ｃ反応性蛋白')).toEqual([
      'größe',
      'der',
      'ödeme',
      'blocker',
      'fibrosis',
      'c反応性蛋白',
    ]);
  });

  it('drops stop words and one-character tokens', () => {
    expect(contentWords('a b of the x-ray is in 3 d')).toEqual(['ray']);
  });
});
