import type {
  CallerReply,
  ChatEvent,
  ChatTurn,
  Conversation,
  ConversationList,
  DocumentSummary,
  ReplyOf,
  RetrievalCollectionList,
  RetrievalDocumentChunks,
  Task,
  UploadReply,
} from '@rag/contracts';
import { readSse } from './sse';

/** An error from the gateway, with its code and, for 429, how long to wait. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** A sentence for the user: what happened and what to do. */
  get explanation(): string {
    if (this.status === 401) return 'This gateway requires an API key: enter a valid key.';
    if (this.status === 429) return `Rate limited: try again in ${this.retryAfterSeconds ?? 60} s.`;
    if (this.status === 503 || this.status === 0) return `Service unavailable: ${this.message}`;
    return this.message;
  }
}

export type CollectionInfo = ReplyOf<typeof RetrievalCollectionList>['collections'][number];
export type ChunkPage = ReplyOf<typeof RetrievalDocumentChunks>;
export type { ChatTurn };

/** The gateway's public HTTP API; nothing else is called. */
export class ApiClient {
  constructor(
    private readonly base = '',
    private apiKey: string | null = null,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  setApiKey(key: string | null): void {
    this.apiKey = key;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.apiKey ? { ...extra, authorization: `Bearer ${this.apiKey}` } : extra;
  }

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        ...init,
        headers: this.headers((init.headers as Record<string, string>) ?? {}),
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'SERVICE_UNAVAILABLE', 'the gateway cannot be reached');
    }
    if (!res.ok) throw await toApiError(res);
    return (await res.json()) as T;
  }

  /** What the key in use may do (scopes and collections). */
  me(): Promise<CallerReply> {
    return this.call('/keys/me');
  }

  collections(): Promise<{ collections: CollectionInfo[] }> {
    return this.call('/collections');
  }

  createCollection(
    collectionId: string,
    description?: string,
  ): Promise<{ collectionId: string; description: string | null; createdAt: string }> {
    return this.call('/collections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionId, description }),
    });
  }

  deleteCollection(id: string): Promise<{ deletedChunks: number }> {
    return this.call(`/collections/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  documents(id: string): Promise<{ documents: DocumentSummary[] }> {
    return this.call(`/collections/${encodeURIComponent(id)}/documents`);
  }

  /** One page of a document's stored chunks, in order (the chunk browser). */
  chunks(collectionId: string, documentId: string, offset: number, limit: number): Promise<ChunkPage> {
    return this.call(
      `/collections/${encodeURIComponent(collectionId)}/documents/${encodeURIComponent(documentId)}/chunks?offset=${offset}&limit=${limit}`,
    );
  }

  deleteDocument(collectionId: string, documentId: string): Promise<{ deletedChunks: number }> {
    return this.call(`/collections/${encodeURIComponent(collectionId)}/documents/${encodeURIComponent(documentId)}`, {
      method: 'DELETE',
    });
  }

  upload(collectionId: string, files: File[]): Promise<UploadReply> {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    return this.call(`/upload/${encodeURIComponent(collectionId)}`, { method: 'POST', body: form });
  }

  task(taskId: string): Promise<Task> {
    return this.call(`/tasks/${encodeURIComponent(taskId)}`);
  }

  /** A document's original file as the server keeps it (sent with the key, so not a plain link). */
  async documentFile(collectionId: string, documentId: string): Promise<Blob> {
    let res: Response;
    try {
      res = await this.fetchFn(
        `${this.base}/collections/${encodeURIComponent(collectionId)}/documents/${encodeURIComponent(documentId)}/file`,
        { headers: this.headers() },
      );
    } catch {
      throw new ApiError(0, 'SERVICE_UNAVAILABLE', 'the gateway cannot be reached');
    }
    if (!res.ok) throw await toApiError(res);
    return res.blob();
  }

  /** The collection's conversations kept by the server, the latest first. */
  conversations(collectionId: string): Promise<ConversationList> {
    return this.call(`/collections/${encodeURIComponent(collectionId)}/conversations`);
  }

  /** One conversation, each answer with the sources it cited. */
  conversation(collectionId: string, conversationId: string): Promise<Conversation> {
    return this.call(
      `/collections/${encodeURIComponent(collectionId)}/conversations/${encodeURIComponent(conversationId)}`,
    );
  }

  /** Streams an answer; `signal` stops it (the gateway then cancels the work upstream). */
  async *chat(
    body: { collectionId: string; question: string; conversationId?: string; history?: ChatTurn[] },
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}/chat/stream`, {
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json', accept: 'text/event-stream' }),
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      throw new ApiError(0, 'SERVICE_UNAVAILABLE', 'the gateway cannot be reached');
    }
    if (!res.ok || !res.body) throw await toApiError(res);
    for await (const e of readSse(res.body, signal)) yield JSON.parse(e.data) as ChatEvent;
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: { code?: string; message?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON (a proxy's error page): keep the status line
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    body.code ?? 'INTERNAL',
    body.message ?? `${res.status} ${res.statusText}`,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}
