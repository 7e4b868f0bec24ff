import type { Citation, Conversation, ConversationList } from '@rag/contracts';
import { Fragment, useEffect, useRef, useState } from 'react';
import { ApiClient, ApiError } from '../api/api-client';
import { quotesBySource } from '../lib/highlight';
import { savedConversationId, saveConversationId } from '../lib/storage';
import { SourceViewer } from './source-viewer';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  sources?: Citation[];
  /** The documents did not answer: the sources are shown as related passages, not as the answer's. */
  related?: boolean;
  error?: string;
  streaming?: boolean;
}

const fromServer = (c: Conversation): ChatMessage[] =>
  c.turns.map((t) => ({ role: t.role, content: t.content, sources: t.sources, related: t.found === false }));

/**
 * The conversation: streamed answers with [n] citations, a row of one chip per distinct source
 * under each answer, and (on wide screens) the sources of the chosen answer beside it; a citation
 * opens its source in the page viewer. The server keeps the turns with their sources: after a
 * reload, or on another device, a conversation comes back with citations that still open. Stop
 * cancels the stream.
 */
export function ChatPanel(props: { api: ApiClient; collectionId: string }) {
  const { api, collectionId } = props;
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [earlier, setEarlier] = useState<ConversationList['conversations']>([]);
  const [question, setQuestion] = useState('');
  const [open, setOpen] = useState<{ citation: Citation; quotes: string[] } | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  const end = useRef<HTMLDivElement>(null);
  // Which load is current: a slow reply for a conversation left since must not replace the one shown.
  const loads = useRef(0);
  const busy = messages.some((m) => m.streaming);

  const listEarlier = () =>
    api.conversations(collectionId).then(
      (r) => setEarlier(r.conversations),
      () => setEarlier([]),
    );
  const show = (id: string | null) => {
    setConversationId(id);
    saveConversationId(collectionId, id);
    setShown(null);
    setMessages([]);
    const load = ++loads.current;
    if (id)
      api.conversation(collectionId, id).then(
        (c) => load === loads.current && setMessages(fromServer(c)),
        (err: unknown) => {
          if (load !== loads.current) return;
          // Expired (or never kept): a new conversation starts.
          if (err instanceof ApiError && err.status === 404) show(null);
          else
            setMessages([
              { role: 'assistant', content: '', error: err instanceof ApiError ? err.explanation : String(err) },
            ]);
        },
      );
  };

  useEffect(() => {
    show(savedConversationId(collectionId));
    void listEarlier();
    return () => abort.current?.abort();
    // show and listEarlier read only props and setters: a new collection is what reloads them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [collectionId]);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length]);

  const update = (fn: (last: ChatMessage) => ChatMessage) =>
    setMessages((prev) => [...prev.slice(0, -1), fn(prev[prev.length - 1])]);

  async function ask(e: React.FormEvent) {
    e.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    setQuestion('');
    setShown(null);
    loads.current++;
    setMessages((prev) => [...prev, { role: 'user', content: q }, { role: 'assistant', content: '', streaming: true }]);
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      // The server keeps the turns: the conversation is named, its history is not sent.
      for await (const ev of api.chat(
        { collectionId, question: q, conversationId: conversationId ?? undefined },
        ctl.signal,
      )) {
        if (ev.type === 'sources') {
          if (ev.conversationId !== conversationId) {
            setConversationId(ev.conversationId);
            saveConversationId(collectionId, ev.conversationId);
          }
          update((m) => ({ ...m, sources: ev.sources }));
        } else if (ev.type === 'token') update((m) => ({ ...m, content: m.content + ev.text }));
        else if (ev.type === 'done') update((m) => ({ ...m, related: !ev.found }));
        else if (ev.type === 'error') update((m) => ({ ...m, error: ev.message }));
      }
    } catch (err) {
      update((m) => ({ ...m, error: err instanceof ApiError ? err.explanation : String(err) }));
    } finally {
      update((m) => ({ ...m, streaming: false, content: ctl.signal.aborted && !m.content ? '(stopped)' : m.content }));
      abort.current = null;
      void listEarlier();
    }
  }

  const openSource = (m: ChatMessage, c: Citation) =>
    setOpen({ citation: c, quotes: m.related ? [] : (quotesBySource(m.content).get(c.n) ?? []) });
  // The answer whose sources are listed beside the conversation: the one chosen, else the latest with sources.
  const answers = messages.map((m, i) => [m, i] as const).filter(([m]) => m.role === 'assistant' && m.sources?.length);
  const side = answers.find(([, i]) => i === shown) ?? answers[answers.length - 1];

  return (
    <div className="chat-layout">
      <section aria-labelledby="chat-title" className="chat">
        <h2 id="chat-title" className="visually-hidden">
          Ask {collectionId}
        </h2>
        <div className="conversation-bar">
          <label htmlFor="earlier" className="visually-hidden">
            Earlier conversations
          </label>
          <select
            id="earlier"
            value={conversationId ?? ''}
            disabled={busy}
            onChange={(e) => show(e.target.value || null)}
          >
            <option value="">New conversation</option>
            {earlier.map((c) => (
              <option key={c.conversationId} value={c.conversationId}>
                {c.title || c.conversationId} · {new Date(c.updatedAt).toLocaleString()}
              </option>
            ))}
          </select>
          <button type="button" className="secondary" disabled={busy || !conversationId} onClick={() => show(null)}>
            New conversation
          </button>
        </div>
        {messages.length === 0 && (
          <p className="empty muted">
            Ask a question about the documents in {collectionId}. Answers cite file and page.
          </p>
        )}
        <ol className="messages" aria-live="polite" aria-label="Conversation">
          {messages.map((m, i) => (
            <li key={i} className={m.role}>
              <span className="who">{m.role === 'user' ? 'You' : 'Answer'}</span>
              <div className="text">
                <AnswerText text={m.content} sources={m.sources} onOpen={(c) => openSource(m, c)} />
                {m.streaming && (
                  <span className="cursor" aria-label="answer is streaming">
                    ▍
                  </span>
                )}
              </div>
              {!m.streaming && m.role === 'assistant' && !!m.sources?.length && (
                <SourceChips
                  message={m}
                  label={m.related ? 'Related passages' : 'Sources'}
                  onOpen={(c) => openSource(m, c)}
                  onShow={() => setShown(i)}
                />
              )}
              {m.error && (
                <p className="error" role="alert">
                  {m.error}
                </p>
              )}
            </li>
          ))}
        </ol>
        <div ref={end} />
        <form onSubmit={(e) => void ask(e)} className="ask">
          <label htmlFor="question" className="visually-hidden">
            Question
          </label>
          <textarea
            id="question"
            value={question}
            rows={2}
            placeholder={`Ask ${collectionId}…`}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) void ask(e);
            }}
          />
          {busy ? (
            <button type="button" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!question.trim()}>
              Ask
            </button>
          )}
        </form>
      </section>
      <aside className="sources-panel" aria-label="Source panel">
        <h2>{side?.[0].related ? 'Related passages' : 'Sources'}</h2>
        {side ? (
          <ol>
            {distinctCited(side[0]).map((c) => (
              <li key={c.n}>
                <button type="button" className="source" onClick={() => openSource(side[0], c)}>
                  <span className="n">[{c.n}]</span> <span className="filename">{c.filename}</span>{' '}
                  <span className="muted">
                    p. {c.pageNumber}
                    {c.source === 'ocr' ? ' · OCR' : ''}
                  </span>
                  <span className="snippet">{c.snippet}</span>
                </button>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">The passages an answer cites are listed here.</p>
        )}
      </aside>
      {open && (
        <SourceViewer
          citation={open.citation}
          quotes={open.quotes.length ? open.quotes : [open.citation.text]}
          loadFile={() => api.documentFile(collectionId, open.citation.documentId)}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  );
}

/** The sources an answer cites, once each, in the order of their numbers; all of them for a "not found" answer. */
function distinctCited(m: ChatMessage): Citation[] {
  const used = new Set([...m.content.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])));
  return (m.sources ?? []).filter((s) => m.related || used.has(s.n));
}

/** One chip per distinct source of an answer: "[1] file p. 4". */
function SourceChips(props: {
  message: ChatMessage;
  label: string;
  onOpen: (c: Citation) => void;
  onShow: () => void;
}) {
  const cited = distinctCited(props.message);
  if (!cited.length) return null;
  return (
    <p className="source-chips" aria-label={props.label}>
      <button type="button" className="link" onClick={props.onShow}>
        {props.label}:
      </button>{' '}
      {cited.map((c) => (
        <button
          key={c.n}
          type="button"
          className="chip"
          title={c.snippet}
          aria-label={`Open source ${c.n}: ${c.filename}, page ${c.pageNumber}`}
          onClick={() => props.onOpen(c)}
        >
          [{c.n}] {c.filename} p. {c.pageNumber}
        </button>
      ))}
    </p>
  );
}

/** Answer text with each [n] turned into a small citation button; file and page on hover and for screen readers. */
export function AnswerText(props: { text: string; sources?: Citation[]; onOpen: (c: Citation) => void }) {
  const parts = props.text.split(/(\[\d+\])/g);
  return (
    <>
      {parts.map((p, i) => {
        const m = /^\[(\d+)\]$/.exec(p);
        const c = m ? props.sources?.find((s) => s.n === Number(m[1])) : undefined;
        if (!c) return <Fragment key={i}>{p}</Fragment>;
        return (
          <button
            key={i}
            type="button"
            className="cite"
            title={`${c.filename} p. ${c.pageNumber}`}
            onClick={() => props.onOpen(c)}
            aria-label={`Citation ${c.n}: ${c.filename}, page ${c.pageNumber}`}
          >
            {c.n}
          </button>
        );
      })}
    </>
  );
}
