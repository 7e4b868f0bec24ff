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
});
