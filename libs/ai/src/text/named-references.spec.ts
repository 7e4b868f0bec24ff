import { namedReferences } from './named-references';

describe('namedReferences', () => {
  it('finds numbered tables, figures and appendices under the names people write', () => {
    expect(namedReferences('In Table 1 (by age), see also fig. 2b and Appendix C; TABLE 1 again')).toEqual([
      'table 1',
      'figure 2b',
      'appendix c',
    ]);
    expect(namedReferences('Table IV lists the doses')).toEqual(['table iv']);
  });

  it('ignores the words when nothing numbers them', () => {
    expect(namedReferences('a table of figures in the appendix, a box of pills')).toEqual([]);
    expect(namedReferences('table salt, tablet 2, in a box a day, table 1a')).toEqual(['table 1a']);
  });
});
