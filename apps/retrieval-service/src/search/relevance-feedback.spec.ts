import { feedbackTerms } from './relevance-feedback';

describe('feedbackTerms', () => {
  const ranked = [
    { text: 'Culex pipiens mosquitoes carry West Nile virus between birds; Culex bites at dusk.', data_type: 'text' },
    { text: 'Bird-biting Culex mosquitoes keep the virus circulating among birds.', data_type: 'text' },
    { text: 'West Nile virus infections are mild in most people.', data_type: 'text' },
    { text: 'The virus was found in the UK this year.', data_type: 'text' },
  ];

  it("adds the words the top results share, not the query's own words, numbers or the words every result has", () => {
    const terms = feedbackTerms('which insect spreads west nile', ranked, { docs: 2, terms: 3, weight: 0.2 });
    expect(terms[0]).toBe('culex');
    expect(terms).toEqual(expect.arrayContaining(['mosquitoes', 'birds']));
    expect(terms).not.toContain('west');
    expect(terms).not.toContain('virus');
  });

  it('adds nothing from a single result, or when asked for no terms', () => {
    expect(feedbackTerms('west nile', ranked.slice(0, 1))).toEqual([]);
    expect(feedbackTerms('west nile', ranked, { docs: 3, terms: 0, weight: 0.2 })).toEqual([]);
  });
});
