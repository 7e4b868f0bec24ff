import type { Citation } from '@rag/contracts';
import { Fragment, useEffect, useRef, useState } from 'react';
import { ApiClient, ApiError, ChatTurn } from '../api/api-client';
import { savedHistory, saveHistory } from '../lib/storage';
import { CitationView } from './citation-view';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  sources?: Citation[];
  /** The documents did not answer: the sources are shown as related passages, not as the answer's. */
  related?: boolean;
  error?: string;
  streaming?: boolean;
}

/** Streamed answers with [n] citations as chips; history kept per collection; Stop cancels the stream. */
export function ChatPanel(props: { api: ApiClient; collectionId: string; fileUrls: Map<string, string> }) {
  const { api, collectionId, fileUrls } = props;
  const [messages, setMessages] = useState<ChatMessage[]>(() => savedHistory(collectionId).map((t) => ({ ...t })));
  const [question, setQuestion] = useState('');
  const [open, setOpen] = useState<Citation | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = messages.some((m) => m.streaming);

  useEffect(() => {
    setMessages(savedHistory(collectionId).map((t) => ({ ...t })));
    return () => abort.current?.abort();
  }, [collectionId]);

  const update = (fn: (last: ChatMessage) => ChatMessage) =>
    setMessages((prev) => [...prev.slice(0, -1), fn(prev[prev.length - 1])]);

  async function ask(e: React.FormEvent) {
    e.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    const history: ChatTurn[] = messages
      .filter((m) => !m.error && m.content)
      .map((m) => ({ role: m.role, content: m.content.slice(0, 8000) }))
      .slice(-20);
    setQuestion('');
    setMessages((prev) => [...prev, { role: 'user', content: q }, { role: 'assistant', content: '', streaming: true }]);
    const ctl = new AbortController();
    abort.current = ctl;
    let answer = '';
    try {
      for await (const ev of api.chat({ collectionId, question: q, history }, ctl.signal)) {
        if (ev.type === 'sources') update((m) => ({ ...m, sources: ev.sources }));
        else if (ev.type === 'token') {
          answer += ev.text;
          update((m) => ({ ...m, content: m.content + ev.text }));
        } else if (ev.type === 'done') update((m) => ({ ...m, related: !ev.found }));
        else if (ev.type === 'error') update((m) => ({ ...m, error: ev.message }));
      }
    } catch (err) {
      update((m) => ({ ...m, error: err instanceof ApiError ? err.explanation : String(err) }));
    } finally {
      update((m) => ({ ...m, streaming: false, content: ctl.signal.aborted && !m.content ? '(stopped)' : m.content }));
      abort.current = null;
      if (answer)
        saveHistory(collectionId, [...history, { role: 'user', content: q }, { role: 'assistant', content: answer }]);
    }
  }

  return (
    <section aria-labelledby="chat-title" className="panel chat">
      <h2 id="chat-title">Ask {collectionId}</h2>
      <ol className="messages" aria-live="polite" aria-label="Conversation">
        {messages.map((m, i) => (
          <li key={i} className={m.role}>
            <span className="who">{m.role === 'user' ? 'You' : 'Answer'}</span>
            <div className="text">
              <AnswerText text={m.content} sources={m.sources} onOpen={setOpen} />
              {m.streaming && (
                <span className="cursor" aria-label="answer is streaming">
                  ▍
                </span>
              )}
            </div>
            {m.related && !!m.sources?.length && (
              <p className="related" aria-label="Related passages">
                Related passages:{' '}
                <AnswerText text={m.sources.map((s) => `[${s.n}]`).join(' ')} sources={m.sources} onOpen={setOpen} />
              </p>
            )}
            {m.error && (
              <p className="error" role="alert">
                {m.error}
              </p>
            )}
          </li>
        ))}
      </ol>
      <form onSubmit={(e) => void ask(e)} className="ask">
        <label htmlFor="question">Question</label>
        <textarea
          id="question"
          value={question}
          rows={2}
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
        <button
          type="button"
          className="secondary"
          disabled={busy || messages.length === 0}
          onClick={() => {
            setMessages([]);
            saveHistory(collectionId, []);
          }}
        >
          New conversation
        </button>
      </form>
      {open && (
        <CitationView
          citation={open}
          fileUrl={fileUrls.get(open.filename)}
          openOriginal={async (c) => URL.createObjectURL(await api.documentFile(collectionId, c.documentId))}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}

/** Answer text with each [n] turned into a chip naming the cited file and page. */
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
            className="chip"
            title={c.snippet}
            onClick={() => props.onOpen(c)}
            aria-label={`Citation ${c.n}: ${c.filename}, page ${c.pageNumber}`}
          >
            {c.n} · {c.filename} p. {c.pageNumber}
          </button>
        );
      })}
    </>
  );
}
