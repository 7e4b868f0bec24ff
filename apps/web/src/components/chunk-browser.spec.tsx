import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/api-client';
import { ChunkBrowser } from './chunk-browser';

afterEach(cleanup);

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const doc = {
  documentId: 'd'.repeat(32),
  collectionId: 'c',
  filename: 'schedule.pdf',
  contentHash: 'f'.repeat(64),
  pages: 3,
  chunks: 51,
  ingestedAt: '2026-12-02T00:00:00Z',
};
const chunk = (i: number) => ({
  chunkId: `c-${i}`,
  chunkIndex: i,
  text:
    i === 1 ? '<table><tr><th>Vaccine</th></tr><tr><td>Td<script>x</script></td></tr></table>' : `text of chunk ${i}`,
  dataType: i === 1 ? 'table_html' : 'text',
  pageNumber: 1 + Math.floor(i / 20),
  pageEnd: 1 + Math.floor(i / 20),
  headingPath: ['Adult schedule', 'Tetanus'],
});

describe('ChunkBrowser', () => {
  it('lists the chunks with page, type and heading path, loads the next page on demand, and shows tables sanitised', async () => {
    const fetchFn = vi.fn(async (url: string) => {
      const offset = Number(new URL(url, 'http://x').searchParams.get('offset'));
      const ids = offset === 0 ? Array.from({ length: 50 }, (_, i) => i) : [50];
      return json({ document: doc, chunks: ids.map(chunk), total: 51, nextOffset: offset === 0 ? 50 : null });
    });
    render(
      <ChunkBrowser
        api={new ApiClient('', null, fetchFn as unknown as typeof fetch)}
        collectionId="c"
        document={doc}
        onClose={() => undefined}
      />,
    );
    const list = await screen.findByRole('list', { name: 'Chunks of schedule.pdf' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(50);
    expect(screen.getByText('Chunks of schedule.pdf (50 of 51)')).toBeTruthy();
    expect(within(list).getAllByText(/#0 · page 1 · text · Adult schedule › Tetanus/)).toHaveLength(1);
    expect(list.querySelector('script')).toBeNull();
    expect(within(list).getByRole('table')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('text of chunk 50')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(fetchFn.mock.calls.map((c) => c[0])).toEqual([
      `/collections/c/documents/${doc.documentId}/chunks?offset=0&limit=50`,
      `/collections/c/documents/${doc.documentId}/chunks?offset=50&limit=50`,
    ]);
  });

  it('says why when the chunks cannot be read', async () => {
    const fetchFn = vi.fn(async () =>
      json({ statusCode: 404, code: 'NOT_FOUND', message: 'no document', requestId: 'r' }, 404),
    );
    render(
      <ChunkBrowser
        api={new ApiClient('', null, fetchFn as unknown as typeof fetch)}
        collectionId="c"
        document={doc}
        onClose={() => undefined}
      />,
    );
    expect((await screen.findByRole('alert')).textContent).toMatch(/no document/);
  });
});
