import { Citation } from '@rag/contracts';
import { NOT_FOUND } from '../prompt/system-prompt';
import { extractAnswer } from './extractive.llm';
import { Lexicon } from './lexicon';

/** General words listed; everything else is specific. Plural -s only. */
const lexicon = (general: string[]): Lexicon => ({ lemmas: (w) => (w.endsWith('s') ? [w, w.slice(0, -1)] : [w]), isGeneral: (w) => general.includes(w) });

const source = (n: number, text: string, dataType: Citation['dataType'] = 'text'): Citation => ({
  n,
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
    const answer = extractAnswer('What was the odds ratio for farming?', [source(1, 'Farming was associated with PSV (OR 2.3 [95% CI 1.2-4.6]). Age was not.')], 1);
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
    const answer = extractAnswer('PrEP injection brand name', [source(1, 'PrEP pills are taken daily. PrEP works. The PrEP shot is Apretude, an injection.')], 1);
    expect(answer).toBe('The PrEP shot is Apretude, an injection. [1]');
  });

  it('says so when no passage shares a word with the question', () => {
    expect(extractAnswer('zebra migration', [source(1, 'Insulin dosing in adults.')], 3)).toBe(NOT_FOUND);
  });

  it('answers NOT_FOUND when the specific words of the question are in no passage, however many general words match', () => {
    const lex = lexicon(['dose', 'recommended', 'children', 'range', 'patients', 'taking']);
    const passages = [source(1, 'The recommended dose for children is given in the schedule.'), source(2, 'Patients taking PrEP need a test every 3 months.')];
    expect(extractAnswer('What dose of amoxicillin is recommended for otitis in children?', passages, 3, lex)).toBe(NOT_FOUND);
    // The same question with its subject in a passage is answered from it.
    expect(extractAnswer('What dose of amoxicillin is recommended for children?', [source(1, 'The recommended amoxicillin dose for children is 90 mg/kg.')], 3, lex)).toBe(
      'The recommended amoxicillin dose for children is 90 mg/kg. [1]',
    );
  });

  it('answers NOT_FOUND when half the words of a question of general words are in no passage, and finds a word in another form', () => {
    const lex = lexicon(['iron', 'deficiency', 'anemia', 'treated', 'vaccine', 'given']);
    expect(extractAnswer('How is iron deficiency anemia treated?', [source(1, 'Deficiency of vaccine uptake was treated as a priority.')], 3, lex)).toBe(NOT_FOUND);
    expect(extractAnswer('When are vaccines given?', [source(1, 'The vaccine is given at 2 months.')], 3, lex)).toBe('The vaccine is given at 2 months. [1]');
  });
});
