import { describe, expect, it } from 'vitest';
import { highlightItems, quotesBySource } from './highlight';

describe('highlightItems', () => {
  const items = [
    'Results',
    'The menopausal transition did not influ-',
    'ence the eight domains',
    'of the SF-36.',
    'Age',
  ];

  it('marks the items a quote runs over, across spaces and a line-end hyphen', () => {
    expect([
      ...highlightItems(items, ['The menopausal transition did not influence the eight domains of the SF 36.']),
    ]).toEqual([1, 2, 3]);
  });

  it('marks what the page has of a quote that runs on past it, and ignores a quote too short to place', () => {
    const quote = 'of the SF-36. Age was not associated with any of them on the next page either.';
    expect([...highlightItems(items, [quote, 'Age'])]).toEqual([3, 4]);
  });

  it('marks nothing for a quote from another page', () => {
    expect(highlightItems(items, ['Insulin dosing in adults with type 1 diabetes.']).size).toBe(0);
  });
});

describe('quotesBySource', () => {
  it('gives each source the text before each of its markers', () => {
    const answer = 'Metformin lowers glucose. [1] It is cheap. [2] It is old. [1]';
    expect(quotesBySource(answer)).toEqual(
      new Map([
        [1, ['Metformin lowers glucose.', 'It is old.']],
        [2, ['It is cheap.']],
      ]),
    );
  });
});
