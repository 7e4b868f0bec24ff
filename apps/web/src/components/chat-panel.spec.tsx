import type { ChatEvent, Citation } from '@rag/contracts';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../api/api-client';
import { ChatPanel } from './chat-panel';

const source = (
  n: number,
  page: number,
  dataType: Citation['dataType'] = 'text',
  text = 'Metformin lowers glucose.',
): Citation => ({
  n,
  source: 'text',
  ocrConfidence: null,
  chunkId: `c${n}`,
  documentId: 'd',
  filename: 'book.pdf',
  pageNumber: page,
  pageEnd: page,
  dataType,
  score: 1,
  snippet: text,
  text,
});

/** A fake gateway client whose stream is driven by the test. */
function fakeApi(events: ChatEvent[], opts: { hold?: boolean } = {}) {
  let release: () => void = () => undefined;
  const aborted: boolean[] = [];
  const api = {
    async *chat(_body: unknown, signal: AbortSignal) {
      for (const [i, e] of events.entries()) {
        if (opts.hold && i === 2)
          await new Promise<void>((r) => ((release = r), signal.addEventListener('abort', () => r())));
        if (signal.aborted) {
          aborted.push(true);
          return;
        }
        yield e;
      }
    },
  } as unknown as ApiClient;
  return { api, release: () => release(), aborted };
}

const ask = (text: string) => {
  fireEvent.change(screen.getByLabelText('Question'), { target: { value: text } });
  fireEvent.click(screen.getByRole('button', { name: 'Ask' }));
};

afterEach(() => {
  cleanup();
  localStorage.clear();
});

describe('ChatPanel', () => {
  it('renders streamed tokens and turns [n] into chips that open the cited chunk', async () => {
    const table = '<table><tr><th>Drug</th></tr><tr><td>Metformin<script>x()</script></td></tr></table>';
    const { api } = fakeApi([
      {
        type: 'sources',
        conversationId: 'c1',
        standaloneQuestion: 'q',
        sources: [source(1, 4), source(2, 9, 'table_html', table)],
      },
      { type: 'token', text: 'Metformin lowers glucose ' },
      { type: 'token', text: '[1] and is tabulated [2].' },
      {
        type: 'done',
        conversationId: 'c1',
        provider: 'extractive',
        citationsUsed: [1, 2],
        found: true,
        usage: { promptTokens: 0, completionTokens: 0 },
        timings: { retrievalMs: 1, firstTokenMs: 1, totalMs: 2 },
      },
    ]);
    render(<ChatPanel api={api} collectionId="books" fileUrls={new Map([['book.pdf', 'blob:book']])} />);
    ask('What does metformin do?');
    const chip = await screen.findByRole('button', { name: 'Citation 1: book.pdf, page 4' });
    expect(chip.textContent).toBe('1 · book.pdf p. 4');
    // A found answer's sources are its citations, not "related passages".
    expect(screen.queryByLabelText('Related passages')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Citation 2: book.pdf, page 9' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.querySelector('table td')?.textContent).toBe('Metformin');
    expect(dialog.querySelector('script')).toBeNull();
    expect(screen.getByRole('link', { name: 'Open book.pdf at page 9' }).getAttribute('href')).toBe('blob:book#page=9');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    // Kept per collection for the next visit.
    expect(JSON.parse(localStorage.getItem('ragstack:history:books')!)).toEqual([
      { role: 'user', content: 'What does metformin do?' },
      { role: 'assistant', content: 'Metformin lowers glucose [1] and is tabulated [2].' },
    ]);
  });

  it('shows the sources of an answer that says "not found" as related passages', async () => {
    const { api } = fakeApi([
      { type: 'sources', conversationId: 'c1', standaloneQuestion: 'q', sources: [source(1, 4), source(2, 7)] },
      { type: 'token', text: 'Not found in the documents.' },
      {
        type: 'done',
        conversationId: 'c1',
        provider: 'extractive',
        citationsUsed: [],
        found: false,
        usage: { promptTokens: 0, completionTokens: 0 },
        timings: { retrievalMs: 1, firstTokenMs: 1, totalMs: 2 },
      },
    ]);
    render(<ChatPanel api={api} collectionId="books" fileUrls={new Map()} />);
    ask('What dose of warfarin?');
    const related = await screen.findByLabelText('Related passages');
    expect(related.textContent).toBe('Related passages: 1 · book.pdf p. 4 2 · book.pdf p. 7');
  });

  it('opens the original the server keeps at the cited page when the file was not uploaded in this session', async () => {
    const fake = fakeApi([
      { type: 'sources', conversationId: 'c1', standaloneQuestion: 'q', sources: [source(1, 4)] },
      { type: 'token', text: 'Metformin lowers glucose [1].' },
      {
        type: 'done',
        conversationId: 'c1',
        provider: 'extractive',
        citationsUsed: [1],
        found: true,
        usage: { promptTokens: 0, completionTokens: 0 },
        timings: { retrievalMs: 1, firstTokenMs: 1, totalMs: 2 },
      },
    ]);
    const asked: string[] = [];
    (fake.api as unknown as { documentFile: (c: string, d: string) => Promise<Blob> }).documentFile = async (c, d) => (
      asked.push(`${c}/${d}`),
      new Blob(['%PDF-'])
    );
    const tab = { location: { href: '' }, close: () => undefined };
    const open = vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    URL.createObjectURL = () => 'blob:original';
    render(<ChatPanel api={fake.api} collectionId="books" fileUrls={new Map()} />);
    ask('What does metformin do?');
    fireEvent.click(await screen.findByRole('button', { name: 'Citation 1: book.pdf, page 4' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Open book.pdf at page 4' }));
    await waitFor(() => expect(tab.location.href).toBe('blob:original#page=4'));
    expect(asked).toEqual(['books/d']);
    open.mockRestore();
  });

  it('stops a stream with the Stop button', async () => {
    const fake = fakeApi(
      [
        { type: 'sources', conversationId: 'c1', standaloneQuestion: 'q', sources: [source(1, 4)] },
        { type: 'token', text: 'First ' },
        { type: 'token', text: 'never shown' },
      ],
      { hold: true },
    );
    render(<ChatPanel api={fake.api} collectionId="books" fileUrls={new Map()} />);
    ask('q?');
    await screen.findByText(/First/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Stop' })));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Ask' })).toBeTruthy());
    expect(fake.aborted).toEqual([true]);
    expect(screen.queryByText(/never shown/)).toBeNull();
  });

  it('shows an error event as an alert', async () => {
    const { api } = fakeApi([
      { type: 'error', code: 'SERVICE_UNAVAILABLE', message: 'retrieval-service did not answer' },
    ]);
    render(<ChatPanel api={api} collectionId="books" fileUrls={new Map()} />);
    ask('q?');
    expect((await screen.findByRole('alert')).textContent).toBe('retrieval-service did not answer');
  });
});
