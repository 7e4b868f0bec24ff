import type { ChatEvent, Citation, Conversation } from '@rag/contracts';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiClient } from '../api/api-client';
import { ChatPanel } from './chat-panel';

// pdf.js draws nothing in jsdom: the page view is replaced by one that shows what it was asked to draw.
vi.mock('./pdf-page-view', () => ({
  openPdf: vi.fn(async () => ({ numPages: 12, destroy: async () => undefined })),
  PdfPageView: (props: { page: number; quotes: string[] }) => (
    <div data-testid="pdf-page">
      page {props.page}: {props.quotes.join(' | ')}
    </div>
  ),
}));

const source = (
  n: number,
  page: number,
  dataType: Citation['dataType'] = 'text',
  text = 'Metformin lowers glucose.',
): Citation => ({
  n,
  source: 'text',
  ocrConfidence: null,
  regions: [],
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
function fakeApi(events: ChatEvent[], opts: { hold?: boolean; kept?: Conversation } = {}) {
  let release: () => void = () => undefined;
  const aborted: boolean[] = [];
  const asked: unknown[] = [];
  const api = {
    conversations: async () => ({
      conversations: opts.kept
        ? [
            {
              conversationId: opts.kept.conversationId,
              title: opts.kept.title,
              updatedAt: opts.kept.updatedAt,
              turns: 2,
            },
          ]
        : [],
    }),
    conversation: async (_c: string, id: string) => {
      if (opts.kept?.conversationId === id) return opts.kept;
      throw new ApiError(404, 'NOT_FOUND', `no conversation ${id}`);
    },
    async *chat(body: unknown, signal: AbortSignal) {
      asked.push(body);
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
  return { api, release: () => release(), aborted, asked };
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
  const done = (found: boolean, citationsUsed: number[]): ChatEvent => ({
    type: 'done',
    conversationId: 'c1',
    provider: 'extractive',
    citationsUsed,
    found,
    usage: { promptTokens: 0, completionTokens: 0 },
    timings: { retrievalMs: 1, firstTokenMs: 1, totalMs: 2 },
  });

  it('renders streamed tokens with [n] as citations, one chip per source, and opens a source at its page', async () => {
    const table = '<table><tr><th>Drug</th></tr><tr><td>Metformin<script>x()</script></td></tr></table>';
    const { api } = fakeApi([
      {
        type: 'sources',
        conversationId: 'c1',
        standaloneQuestion: 'q',
        sources: [source(1, 4), source(2, 9, 'table_html', table), source(3, 11)],
      },
      { type: 'token', text: 'Metformin lowers glucose. ' },
      { type: 'token', text: '[1] It is tabulated. [2] It is cheap. [1]' },
      done(true, [1, 2]),
    ]);
    const fetched: string[] = [];
    (api as unknown as { documentFile: (c: string, d: string) => Promise<Blob> }).documentFile = async (c, d) => (
      fetched.push(`${c}/${d}`),
      new Blob(['%PDF-'])
    );
    URL.createObjectURL = () => 'blob:original';
    URL.revokeObjectURL = () => undefined;
    render(<ChatPanel api={api} collectionId="books" />);
    ask('What does metformin do?');
    const cites = await screen.findAllByRole('button', { name: 'Citation 1: book.pdf, page 4' });
    expect(cites.map((c) => c.textContent)).toEqual(['1', '1']);
    // One chip per distinct cited source, uncited source 3 left out.
    expect(screen.getByLabelText('Sources').textContent).toBe('Sources: [1] book.pdf p. 4[2] book.pdf p. 9');
    expect(screen.queryByLabelText('Related passages')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Open source 2: book.pdf, page 9' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.querySelector('table td')?.textContent).toBe('Metformin');
    expect(dialog.querySelector('script')).toBeNull();
    expect((await screen.findByTestId('pdf-page')).textContent).toBe('page 9: It is tabulated.');
    expect(screen.getByText('Page 9 of 12')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Open book.pdf at page 9' }).getAttribute('href')).toBe(
      'blob:original#page=9',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect((await screen.findByTestId('pdf-page')).textContent).toBe('page 10: ');
    fireEvent.click(screen.getByRole('button', { name: 'Back to page 9' }));
    expect((await screen.findByTestId('pdf-page')).textContent).toBe('page 9: It is tabulated.');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fetched).toEqual(['books/d']);
  });

  it('names the conversation on the next question, and shows it again from the server after a reload, citations working', async () => {
    const events: ChatEvent[] = [
      { type: 'sources', conversationId: 'conv-0001', standaloneQuestion: 'q', sources: [source(1, 4)] },
      { type: 'token', text: 'Metformin lowers glucose. [1]' },
      done(true, [1]),
    ];
    const fake = fakeApi(events);
    const first = render(<ChatPanel api={fake.api} collectionId="books" />);
    ask('What does metformin do?');
    await screen.findByLabelText('Sources');
    ask('Is it safe?');
    await waitFor(() => expect(fake.asked).toHaveLength(2));
    // The history is the server's: only the conversation is named.
    expect(fake.asked).toEqual([
      { collectionId: 'books', question: 'What does metformin do?', conversationId: undefined },
      { collectionId: 'books', question: 'Is it safe?', conversationId: 'conv-0001' },
    ]);
    first.unmount();

    const kept: Conversation = {
      conversationId: 'conv-0001',
      collectionId: 'books',
      title: 'What does metformin do?',
      updatedAt: new Date(0).toISOString(),
      turns: [
        { role: 'user', content: 'What does metformin do?' },
        { role: 'assistant', content: 'Metformin lowers glucose. [1]', sources: [source(1, 4)], found: true },
      ],
    };
    const reloaded = fakeApi([], { kept });
    (reloaded.api as unknown as { documentFile: () => Promise<Blob> }).documentFile = async () => new Blob(['%PDF-']);
    render(<ChatPanel api={reloaded.api} collectionId="books" />);
    expect(await screen.findByText('What does metformin do?', { selector: '.text' })).toBeTruthy();
    expect((screen.getByLabelText('Earlier conversations') as HTMLSelectElement).value).toBe('conv-0001');
    fireEvent.click(screen.getByRole('button', { name: 'Citation 1: book.pdf, page 4' }));
    expect((await screen.findByRole('dialog')).textContent).toContain('book.pdf, page 4');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    fireEvent.click(screen.getByRole('button', { name: 'New conversation' }));
    expect(screen.queryByRole('button', { name: 'Citation 1: book.pdf, page 4' })).toBeNull();
    expect(localStorage.getItem('ragstack:conversationId:books')).toBe('null');
  });

  it('shows the sources of an answer that says "not found" as related passages', async () => {
    const { api } = fakeApi([
      { type: 'sources', conversationId: 'c1', standaloneQuestion: 'q', sources: [source(1, 4), source(2, 7)] },
      { type: 'token', text: 'Not found in the documents.' },
      done(false, []),
    ]);
    render(<ChatPanel api={api} collectionId="books" />);
    ask('What dose of warfarin?');
    const related = await screen.findByLabelText('Related passages');
    expect(related.textContent).toBe('Related passages: [1] book.pdf p. 4[2] book.pdf p. 7');
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
    render(<ChatPanel api={fake.api} collectionId="books" />);
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
    render(<ChatPanel api={api} collectionId="books" />);
    ask('q?');
    expect((await screen.findByRole('alert')).textContent).toBe('retrieval-service did not answer');
  });
});
