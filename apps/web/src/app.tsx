import type { ApiKeyScope, DocumentSummary } from '@rag/contracts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient, ApiError, CollectionInfo } from './api/api-client';
import { ChatPanel } from './components/chat-panel';
import { ChunkBrowser } from './components/chunk-browser';
import { CollectionsPanel } from './components/collections-panel';
import { DocumentsPanel } from './components/documents-panel';
import { UploadPanel } from './components/upload-panel';
import { savedApiKey, saveApiKey } from './lib/storage';

export function App(props: { api?: ApiClient }) {
  const api = useMemo(() => props.api ?? new ApiClient('', savedApiKey()), [props.api]);
  const [collections, setCollections] = useState<CollectionInfo[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [documents, setDocuments] = useState<DocumentSummary[]>([]);
  const [browsing, setBrowsing] = useState<DocumentSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [needsKey, setNeedsKey] = useState(false);
  const [key, setKey] = useState('');
  // What the key may do; null until known (or when the gateway does not say): everything is shown.
  const [scopes, setScopes] = useState<ReadonlySet<ApiKeyScope> | null>(null);
  const may = (s: ApiKeyScope) => !scopes || scopes.has('admin') || scopes.has(s);
  const [view, setView] = useState<'chat' | 'documents'>('chat');
  // On a phone the collections fold away behind a button, so the conversation is what one sees.
  const [menu, setMenu] = useState(false);

  const fail = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) setNeedsKey(true);
    setError(err instanceof ApiError ? err.explanation : String(err));
  }, []);

  const refresh = useCallback(async () => {
    try {
      setCollections((await api.collections()).collections);
      if (selected) setDocuments((await api.documents(selected)).documents);
      setError(null);
      const me = await api.me().catch(() => null);
      setScopes(me && Array.isArray(me.scopes) ? new Set(me.scopes) : null);
    } catch (err) {
      fail(err);
    }
  }, [api, selected, fail]);

  useEffect(() => void refresh(), [refresh]);
  useEffect(() => {
    if (!selected && collections.length) setSelected(collections[0].collectionId);
  }, [collections, selected]);

  const keyForm = needsKey && (
    <form
      className="api-key"
      onSubmit={(e) => {
        e.preventDefault();
        api.setApiKey(key || null);
        saveApiKey(key || null);
        setNeedsKey(false);
        void refresh();
      }}
    >
      <label htmlFor="api-key">API key</label>
      <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
      <button type="submit">Save key</button>
    </form>
  );

  return (
    <div className="shell">
      <aside className={menu ? 'sidebar open' : 'sidebar'}>
        <header>
          <h1>ragstack</h1>
          <p className="muted">Answers from your documents, with page citations.</p>
          <button
            type="button"
            className="menu-toggle secondary"
            aria-expanded={menu}
            aria-controls="collections-panel"
            onClick={() => setMenu(!menu)}
          >
            Collections
          </button>
        </header>
        {keyForm}
        <CollectionsPanel
          collections={collections}
          selected={selected}
          onSelect={(id) => {
            setSelected(id);
            setMenu(false);
          }}
          onCreate={(id) => {
            // Created on the server, so it is there after a reload and on another device; one that exists is just selected.
            api.createCollection(id).then(
              () => {
                setSelected(id);
                return refresh();
              },
              (err: unknown) =>
                err instanceof ApiError && err.status === 409 ? (setSelected(id), refresh()) : fail(err),
            );
          }}
          onDelete={
            may('delete')
              ? (id) => {
                  if (selected === id) setSelected(null);
                  api
                    .deleteCollection(id)
                    .then(refresh, (err: unknown) =>
                      err instanceof ApiError && err.status === 404 ? refresh() : fail(err),
                    );
                }
              : undefined
          }
        />
      </aside>
      <main className="main">
        {error && (
          <p className="error banner" role="alert">
            {error}
          </p>
        )}
        {selected ? (
          <>
            <nav className="views" aria-label="Views">
              <h2 className="collection-name">{selected}</h2>
              {may('chat') && (
                <button
                  type="button"
                  className="tab"
                  aria-current={view === 'chat' ? 'page' : undefined}
                  onClick={() => setView('chat')}
                >
                  Chat
                </button>
              )}
              <button
                type="button"
                className="tab"
                aria-current={view === 'documents' || !may('chat') ? 'page' : undefined}
                onClick={() => setView('documents')}
              >
                Documents ({documents.length})
              </button>
            </nav>
            {view === 'chat' && may('chat') ? (
              <ChatPanel api={api} collectionId={selected} />
            ) : (
              <div className="documents-view">
                {may('upload') && <UploadPanel api={api} collectionId={selected} onTaskDone={() => void refresh()} />}
                <DocumentsPanel
                  documents={documents}
                  onDelete={
                    may('delete') ? (d) => api.deleteDocument(selected, d.documentId).then(refresh, fail) : undefined
                  }
                  onBrowse={setBrowsing}
                />
                {browsing && (
                  <ChunkBrowser
                    api={api}
                    collectionId={selected}
                    document={browsing}
                    onClose={() => setBrowsing(null)}
                  />
                )}
              </div>
            )}
          </>
        ) : (
          <p className="empty">Create a collection to start.</p>
        )}
      </main>
    </div>
  );
}
