import { WordNetLexicon } from './lexicon';

describe('WordNetLexicon', () => {
  const lexicon = new WordNetLexicon();

  it('tells the general words of a question from its subject: drugs, diseases and names are not general', () => {
    for (const w of ['table', 'range', 'home', 'treated', 'shown', 'my', 'queasy'])
      expect([w, lexicon.isGeneral(w)]).toEqual([w, true]);
    for (const w of ['warfarin', 'glaucoma', 'amoxicillin', 'mmwr', 'ppsv23'])
      expect([w, lexicon.isGeneral(w)]).toEqual([w, false]);
  });

  it('gives the base forms a word may come from', () => {
    expect(lexicon.lemmas('vaccines')).toContain('vaccine');
    expect(lexicon.lemmas('stopped')).toContain('stop');
    expect(lexicon.lemmas('shown')).toContain('show');
  });

  it('gives each word its stem, so words of one stem meet and a stem never meets a word', () => {
    const shared = (a: string, b: string) => lexicon.lemmas(a).filter((l) => lexicon.lemmas(b).includes(l));
    expect(shared('injection', 'injectable')).toEqual(['~inject']);
    expect(shared('prevention', 'preventing')).toEqual(['~prevent']);
    expect(shared('organization', 'organ')).toEqual(['~organ']);
    expect(lexicon.lemmas('organization')).not.toContain('organ');
    expect(shared('vaccine', 'vacation')).toEqual([]);
  });
});
