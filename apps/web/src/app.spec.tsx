import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api/api-client';
import { App } from './app';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('App', () => {
  it('asks for an API key when the gateway requires one, then sends it as a Bearer token', async () => {
    const fetchFn = vi.fn(async (_url: string, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>)?.authorization;
      if (auth !== 'Bearer k-123')
        return json(401, { statusCode: 401, code: 'UNAUTHORIZED', message: 'missing API key', requestId: 'r' });
      return json(200, { collections: [{ collectionId: 'books', documents: 2, chunks: 40 }], documents: [] });
    });
    render(<App api={new ApiClient('', null, fetchFn as unknown as typeof fetch)} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/requires an API key/);
    fireEvent.change(screen.getByLabelText('API key'), { target: { value: 'k-123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save key' }));
    expect(await screen.findByRole('button', { name: 'books' })).toBeTruthy();
    expect(screen.getByText(/2 docs · 40 chunks/)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('opens on the conversation, with upload and documents in a view of their own', async () => {
    const fetchFn = vi.fn(async (url: string) => {
      if (url.endsWith('/keys/me'))
        return json(404, { statusCode: 404, code: 'NOT_FOUND', message: 'no key', requestId: 'r' });
      if (url.endsWith('/documents')) return json(200, { documents: [] });
      return json(200, { collections: [{ collectionId: 'books', documents: 0, chunks: 0 }] });
    });
    render(<App api={new ApiClient('', null, fetchFn as unknown as typeof fetch)} />);
    expect(await screen.findByLabelText('Question')).toBeTruthy();
    expect(screen.queryByTestId('file-input')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /^Documents/ }));
    expect(await screen.findByTestId('file-input')).toBeTruthy();
    expect(screen.getByText('No documents yet.')).toBeTruthy();
    expect(screen.queryByLabelText('Question')).toBeNull();
  });

  it('says when the gateway cannot be reached', async () => {
    const fetchFn = vi.fn(async () => Promise.reject(new TypeError('fetch failed')));
    render(<App api={new ApiClient('', null, fetchFn as unknown as typeof fetch)} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Service unavailable/);
  });
});

describe('App with a scoped key', () => {
  it('hides upload, delete and chat when the key may only search', async () => {
    const fetchFn = vi.fn(async (url: string) => {
      if (url.endsWith('/keys/me'))
        return json(200, { keyId: 'abc', tenant: 't', scopes: ['search'], collections: ['books'] });
      if (url.endsWith('/documents'))
        return json(200, {
          documents: [
            {
              documentId: 'd1',
              collectionId: 'books',
              filename: 'a.pdf',
              contentHash: 'h',
              pages: 3,
              chunks: 9,
              ingestedAt: new Date().toISOString(),
            },
          ],
        });
      return json(200, { collections: [{ collectionId: 'books', documents: 1, chunks: 9 }] });
    });
    render(<App api={new ApiClient('', 'k', fetchFn as unknown as typeof fetch)} />);
    expect(await screen.findByText('a.pdf')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('button', { name: /Delete/ })).toBeNull());
    expect(screen.getByRole('button', { name: 'Show the chunks of a.pdf' })).toBeTruthy();
    expect(screen.queryByLabelText(/upload/i)).toBeNull();
    expect(screen.queryByLabelText('Question')).toBeNull();
  });
});
