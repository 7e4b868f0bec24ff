import { Citation } from '@rag/contracts';
import { NOT_FOUND } from '../prompt/system-prompt';
import { asksFor, extractAnswer, tableRows } from './extractive.llm';
import { Lexicon } from './lexicon';

/** General words listed; everything else is specific. Plural -s only. */
const lexicon = (general: string[]): Lexicon => ({
  lemmas: (w) => (w.endsWith('s') ? [w, w.slice(0, -1)] : [w]),
  isGeneral: (w) => general.includes(w) || FUNCTION.includes(w),
  isFunctionWord: (w) => FUNCTION.includes(w),
});
const FUNCTION = ['she', 'her', 'he', 'how', 'my'];

const source = (n: number, text: string, dataType: Citation['dataType'] = 'text'): Citation => ({
  n,
  source: 'text',
  ocrConfidence: null,
  regions: [],
  chunkId: `c${n}`,
  documentId: 'd',
  filename: 'f.pdf',
  pageNumber: 1,
  pageEnd: 1,
  dataType,
  score: 1,
  snippet: '',
  text,
});

describe('extractAnswer', () => {
  it('keeps decimals and intervals whole (sentence ends are not every full stop)', () => {
    const answer = extractAnswer(
      'What was the odds ratio for farming?',
      [source(1, 'Farming was associated with PSV (OR 2.3 [95% CI 1.2-4.6]). Age was not.')],
      1,
    );
    expect(answer).toBe('Farming was associated with PSV (OR 2.3 [95% CI 1.2-4.6]). [1]');
  });

  it('answers from a table row, each cell with its column header', () => {
    const html =
      '<table><thead><tr><th>Disease category</th><th>Notifications (%)</th></tr></thead><tbody>' +
      '<tr><td>Scarlet fever</td><td>3,484 (33)</td></tr><tr><td>Whooping cough</td><td>1,685 (16)</td></tr></tbody></table>';
    const answer = extractAnswer('How many notifications for whooping cough?', [source(1, html, 'table_html')], 1);
    expect(answer).toBe('Disease category: Whooping cough; Notifications (%): 1,685 (16). [1]');
  });

  it('weights rare question words above words every passage has', () => {
    const answer = extractAnswer(
      'PrEP injection brand name',
      [source(1, 'PrEP pills are taken daily. PrEP works. The PrEP shot is Apretude, an injection.')],
      1,
    );
    expect(answer).toBe('The PrEP shot is Apretude, an injection. [1]');
  });

  it('says so when no passage shares a word with the question', () => {
    expect(extractAnswer('zebra migration', [source(1, 'Insulin dosing in adults.')], 3)).toBe(NOT_FOUND);
  });

  it('answers NOT_FOUND when the specific words of the question are in no passage, however many general words match', () => {
    const lex = lexicon(['dose', 'recommended', 'children', 'range', 'patients', 'taking']);
    const passages = [
      source(1, 'The recommended dose for children is given in the schedule.'),
      source(2, 'Patients taking PrEP need a test every 3 months.'),
    ];
    expect(
      extractAnswer('What dose of amoxicillin is recommended for otitis in children?', passages, 3, { lexicon: lex }),
    ).toBe(NOT_FOUND);
    // The same question with its subject in a passage is answered from it.
    expect(
      extractAnswer(
        'What dose of amoxicillin is recommended for children?',
        [source(1, 'The recommended amoxicillin dose for children is 90 mg/kg.')],
        3,
        { lexicon: lex },
      ),
    ).toBe('The recommended amoxicillin dose for children is 90 mg/kg. [1]');
  });

  it('answers NOT_FOUND when half the words of a question of general words are in no passage, and finds a word in another form', () => {
    const lex = lexicon(['iron', 'deficiency', 'anemia', 'treated', 'vaccine', 'given']);
    expect(
      extractAnswer(
        'How is iron deficiency anemia treated?',
        [source(1, 'Deficiency of vaccine uptake was treated as a priority.')],
        3,
        { lexicon: lex },
      ),
    ).toBe(NOT_FOUND);
    expect(
      extractAnswer('When are vaccines given?', [source(1, 'The vaccine is given at 2 months.')], 3, { lexicon: lex }),
    ).toBe('The vaccine is given at 2 months. [1]');
  });

  it('answers NOT_FOUND when the one specific word of a question is unsaid, however many of its other words are', () => {
    const lex = lexicon(['causes', 'turning', 'over', 'bed', 'capacity', 'department']);
    expect(
      extractAnswer(
        'What causes vertigo when turning over in bed?',
        [source(1, 'Turning patients over in bed causes a shortage of bed capacity.')],
        3,
        { lexicon: lex },
      ),
    ).toBe(NOT_FOUND);
  });

  it("finds a rare word through its one-word synonyms, never a common word's or a phrase's words", () => {
    const lex = lexicon(['long', 'token', 'set', 'keep', 'drug', 'medicine', 'recommended']);
    const thesaurus = {
      synonyms: (w: string) =>
        ({ expiry: ['termination', 'expiration'], statin: ['statin drug', 'lipid-lowering medicine'] })[w] ?? [],
      close: () => undefined,
    };
    const token = [source(1, 'Set the expiration of the token to five minutes after it was made.')];
    expect(extractAnswer('How long should the expiry of the token be?', token, 3, { lexicon: lex })).toBe(NOT_FOUND);
    expect(extractAnswer('How long should the expiry of the token be?', token, 3, { lexicon: lex, thesaurus })).toBe(
      'Set the expiration of the token to five minutes after it was made. [1]',
    );
    // "lipid-lowering medicine" is a phrase: its word "medicine" alone is no evidence of statins.
    const drugs = [source(1, 'Keep each medicine and drug out of reach of children.')];
    expect(extractAnswer('Which statin is recommended?', drugs, 3, { lexicon: lex, thesaurus })).toBe(NOT_FOUND);
  });
  it('does not take the people a lay question is asked for as its subject', () => {
    const lex = lexicon([
      'turned',
      'never',
      'shot',
      'offered',
      'age',
      'years',
      'older',
      'dose',
      'just',
      'vaccine',
      'had',
      'any',
    ]);
    // Most of the question's everyday words are unsaid; its one subject, through the documents' term, is said.
    const passages = [source(1, 'Age 65 or older, no pneumococcal shot before: offer 1 dose PCV20.')];
    const expander = {
      expand: (w: string) => (w === 'pneumonia' ? [{ words: ['pneumococcal'], weight: 1 }] : []),
    };
    expect(
      extractAnswer(
        'My dad just turned 65 and has never had any pneumonia shot. What should he be offered?',
        passages,
        3,
        {
          lexicon: lex,
          expander,
        },
      ),
    ).toBe('Age 65 or older, no pneumococcal shot before: offer 1 dose PCV20. [1]');
  });

  it('does not count pronouns or words naming the source as unsaid subject words', () => {
    const lex = lexicon(['born', 'proof', 'immune', 'suggest', 'schedule', 'nurse']);
    const passages = [
      source(1, 'Measles: health care personnel born before 1957 without evidence of immunity: consider 2 doses.'),
    ];
    // Unsaid: proof, immune, suggest (and she, her, schedule, which say nothing of the subject); measles, the one specific word, is said.
    expect(
      extractAnswer(
        'A nurse born in 1950 has no proof she is immune to measles. What does the schedule suggest for her?',
        passages,
        1,
        { lexicon: lex },
      ),
    ).toBe('Measles: health care personnel born before 1957 without evidence of immunity: consider 2 doses. [1]');
  });

  it("finds an everyday word through the documents' term for it", () => {
    const expander = { expand: (w: string) => (w === 'queasy' ? [{ words: ['nausea'], weight: 0.3 }] : []) };
    const passages = [source(1, 'Take the pill with food. Nausea usually fades within a month. Store it dry.')];
    expect(extractAnswer('Why do I feel queasy?', passages, 1, { expander })).toBe(
      'Nausea usually fades within a month. [1]',
    );
  });

  it('prefers the passage that holds what the question asks for: a number for "how long"', () => {
    const passages = [
      source(1, 'PrEP pills give protection from HIV. PrEP pills give protection after 7 days of daily use.'),
    ];
    expect(extractAnswer('How long until PrEP pills give protection?', passages, 1)).toBe(
      'PrEP pills give protection after 7 days of daily use. [1]',
    );
  });

  it('answers a question heading with the passage after it', () => {
    const passages = [
      source(
        1,
        'Will other people know my test result? Your result goes into your medical record, which your insurer may see.',
      ),
    ];
    expect(extractAnswer('Who will know my test result?', passages, 1)).toBe(
      'Will other people know my test result? [1] Your result goes into your medical record, which your insurer may see. [1]',
    );
  });

  it('quotes the sentence after a bare "No." with it: the reply is explained there', () => {
    const passages = [
      source(
        1,
        'Does a positive test mean I have AIDS?\nNo. A positive test does not mean you have AIDS. AIDS is the most advanced stage of the disease. Treatment keeps you healthy.',
      ),
    ];
    expect(extractAnswer('Does a positive test mean AIDS?', passages, 1)).toBe(
      'Does a positive test mean I have AIDS? [1] No. A positive test does not mean you have AIDS. [1] AIDS is the most advanced stage of the disease. [1]',
    );
  });

  it('quotes the sentence between two picked sentences of a passage, so the quote reads as written', () => {
    const text =
      'The updated software revises the control laws for MCAS. The revised laws would use inputs from both sensors. This is unlike the original MCAS design, which used one sensor. Pilots train on it.';
    expect(
      extractAnswer('How does the updated MCAS software differ from the original design?', [source(1, text)], 2),
    ).toBe(
      'The updated software revises the control laws for MCAS. [1] The revised laws would use inputs from both sensors. [1] This is unlike the original MCAS design, which used one sensor. [1]',
    );
  });

  it('answers a long lead-in that ends in a colon with the list after it', () => {
    const text =
      'Recommendations for antibiotic prophylaxis for close contacts now extend beyond those who are symptomatic, to include:\npregnant women from 37 weeks, neonates, older household contacts (75 years and over). Cases are notified.';
    expect(extractAnswer('Which close contacts now get antibiotic prophylaxis?', [source(1, text)], 1)).toBe(
      'Recommendations for antibiotic prophylaxis for close contacts now extend beyond those who are symptomatic, to include: [1] pregnant women from 37 weeks, neonates, older household contacts (75 years and over). [1]',
    );
  });

  it("does not take the words of a document's name, or words naming the source, as evidence for one of its passages", () => {
    const html =
      '<table><thead><tr><th>Field</th><th>Description</th></tr></thead><tbody>' +
      '<tr><td>duplicate</td><td>Set when openFDA holds an earlier version of the drug event report.</td></tr>' +
      '<tr><td>patientweight</td><td>The patient weight, in kg.</td></tr></tbody></table>';
    const table = { ...source(1, html, 'table_html'), filename: 'openfda_drug_event_reference.pdf' };
    expect(
      extractAnswer('In the openFDA drug event reference table, what does the patientweight field hold?', [table], 1),
    ).toBe('Field: patientweight; Description: The patient weight, in kg. [1]');
  });

  it('does not score the words that name the source or the asker ("the leaflet", "my dad")', () => {
    const passages = [source(1, 'Keep this leaflet for my dad and read it again. The daily dose is one tablet.')];
    expect(extractAnswer('What daily dose does the leaflet give my dad?', passages, 1)).toBe(
      'The daily dose is one tablet. [1]',
    );
  });

  it('always quotes the best-ranked source, and leaves out near-copies', () => {
    const passages = [
      source(1, 'Adults with HIV should get the vaccine.'),
      source(2, 'Please mark each page of your submission as confidential vaccine information.'),
      source(3, 'Please mark each page of your submission as confidential vaccine information.'),
      source(4, 'Each submission page about the vaccine is marked.'),
    ];
    // Two quoted: the best match (4) and, in place of a copy of 2, the best-ranked source.
    expect(extractAnswer('Which submission page should be marked about the vaccine?', passages, 2)).toBe(
      'Adults with HIV should get the vaccine. [1] Each submission page about the vaccine is marked. [4]',
    );
    // Three quoted: the copy of 2 on another page (3) is not one of them.
    expect(
      extractAnswer('Which submission page should be marked about the vaccine?', passages, 3).match(/Please mark/g),
    ).toHaveLength(1);
  });

  it('labels the rows under a group row of a table with the group ("Age group, yrs 30–39") and keeps numbers whole', () => {
    const html =
      '<table><thead><tr><th>Characteristic</th><th>Aware (%)</th><th>aPR</th></tr></thead><tbody>' +
      '<tr><td>Education</td><td></td><td></td></tr><tr><td>High school</td><td>1,414 (30.2)</td><td>0.68</td></tr>' +
      '<tr><td>Age group, yrs</td><td></td><td></td></tr><tr><td>30–39</td><td>826 (36.4)</td><td>1.31</td></tr></tbody></table>';
    expect(tableRows(html)).toEqual([
      'Characteristic: Education',
      'Characteristic: Education High school; Aware (%): 1,414 (30.2); aPR: 0.68',
      'Characteristic: Age group, yrs',
      'Characteristic: Age group, yrs 30–39; Aware (%): 826 (36.4); aPR: 1.31',
    ]);
    // "30" asked for is not the 30 of "30.2".
    expect(extractAnswer('How many aged 30-39 were aware?', [source(1, html, 'table_html')], 1)).toBe(
      'Characteristic: Age group, yrs 30–39; Aware (%): 826 (36.4); aPR: 1.31. [1]',
    );
  });

  it('asks for a time only when "when" is the question\'s own word', () => {
    expect(asksFor('When should the second dose be given?')?.test('after 4 weeks')).toBe(true);
    expect(asksFor('How would the software decide when to trigger MCAS?')).toBeNull();
  });

  it('does not take the words of a web address as evidence', () => {
    const passages = [
      source(
        1,
        'Coverage report: https://www.gov.uk/publications/rsv-immunisation-for-pregnant-women. RSV vaccine: pregnant women get 1 dose at 32 weeks.',
      ),
    ];
    expect(extractAnswer('RSV vaccine for pregnant women?', passages, 2)).toBe(
      'RSV vaccine: pregnant women get 1 dose at 32 weeks. [1]',
    );
  });
});
