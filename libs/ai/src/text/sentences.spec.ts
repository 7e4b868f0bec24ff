import { splitSentences } from './sentences';

const letters = (s: string) => s.replace(/\s+/g, '');

describe('splitSentences', () => {
  it('keeps decimals, confidence intervals and p-values inside their sentence', () => {
    const text =
      'Farming in the index year was significantly associated with PSV (OR 2.3 [95% CI 1.2-4.6]). ' +
      'Intubation took longer (ANOVA, F = 38.7, p<.001). All were done.';
    expect(splitSentences(text)).toEqual([
      'Farming in the index year was significantly associated with PSV (OR 2.3 [95% CI 1.2-4.6]).',
      'Intubation took longer (ANOVA, F = 38.7, p<.001).',
      'All were done.',
    ]);
  });

  it('loses no character, whatever the punctuation', () => {
    const samples = [
      'a.b.c. 7]). 7]). ... ?!  x',
      'Results: 0.96-1.05; e.g. Fig. 2 shows it. Next one!',
      '.....',
      'no terminal punctuation at all',
      'Line one\nline two.\n\nNew para? yes',
    ];
    for (const s of samples) expect(letters(splitSentences(s).join(' '))).toBe(letters(s));
  });

  it('does not split after common abbreviations', () => {
    expect(splitSentences('As shown by Smith et al. The effect was large.')).toHaveLength(1);
    expect(splitSentences('See e.g. Table 2. Then stop.')).toEqual(['See e.g. Table 2.', 'Then stop.']);
  });
});
