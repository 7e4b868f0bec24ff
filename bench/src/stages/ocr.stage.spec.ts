import { bagErrors, chunkWordLists, editDistance, mendHyphenation, wordBag } from './ocr.stage';

describe('OCR error rate against a truth text', () => {
  it('joins a word the truth breaks at a line-end hyphen when the output has it whole, so it is not an error', () => {
    const truth = 'semi-  struc-\ntured   interviews  were trans-\nlated';
    const got = ['semistructured', 'interviews', 'were', 'translated'];
    expect(wordBag(mendHyphenation(truth, got))).toBe(wordBag([...got]));
  });

  it('joins a URL the truth breaks over three lines', () => {
    const truth = 'see https://aspe.hhs.gov/hhs-imple-\nguidance-data-\nstandards ok';
    const got = ['see', 'httpsaspehhsgovhhsimpleguidancedatastandards', 'ok'];
    expect(editDistance(wordBag(mendHyphenation(truth, got)), wordBag([...got]))).toBe(0);
  });

  it('forgives no misread: a joined word the output spells differently still counts', () => {
    const truth = 'struc-\ntured';
    const got = ['strucfured'];
    const mended = wordBag(mendHyphenation(truth, got));
    expect(mended).toBe('struc tured');
    expect(editDistance(mended, wordBag([...got]))).toBeGreaterThan(0);
  });

  it('leaves an output that kept the halves apart as it is', () => {
    expect(wordBag(mendHyphenation('struc-\ntured', ['struc', 'tured']))).toBe('struc tured');
  });
});

describe("the words of a document's chunks", () => {
  it('leaves out a repeated heading, a repeated table header and a sentence carried over to the next page', () => {
    const lists = chunkWordLists([
      'Results\nAwareness was higher among women. Participants who did not',
      'Results\nParticipants who did not speak English well reported lower awareness.',
      'Table 1 Age Aware\n18-29 12',
      'Table 1 Age Aware\n30-39 15',
      'participants who did not speak English well reported lower awareness. Figure 1',
    ]);
    expect(lists.map((l) => l.join(' '))).toEqual([
      'results awareness was higher among women participants who did not',
      'speak english well reported lower awareness',
      'table 1 age aware 1829 12',
      '3039 15',
      'figure 1',
    ]);
  });
});

describe('character errors between bags of words', () => {
  it('costs a misread first letter one error, where sorted word lists cost it the word twice', () => {
    const truth = ['aware', 'trujillo', 'zebra'];
    const got = ['aware', 'zrujillo', 'zebra'];
    expect(bagErrors(truth, got)).toBe(1);
    expect(editDistance(wordBag([...truth]), wordBag([...got]))).toBeGreaterThan(8);
  });

  it('counts a lost word at its length, an extra one likewise, and unlike leftovers as two unrelated strings', () => {
    expect(bagErrors(['results', 'were'], ['were'])).toBe(7);
    expect(bagErrors(['were'], ['were', 'noise'])).toBe(5);
    expect(bagErrors(['abcdef'], ['xyz'])).toBe(6);
    expect(bagErrors(['a', 'b'], ['b', 'a'])).toBe(0);
  });
});
