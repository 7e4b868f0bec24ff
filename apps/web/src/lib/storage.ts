const KEY = 'ragstack';

function read<T>(name: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(`${KEY}:${name}`);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(name: string, value: unknown): void {
  try {
    localStorage.setItem(`${KEY}:${name}`, JSON.stringify(value));
  } catch {
    // storage full or disabled: the app still works, it just forgets
  }
}

export const savedApiKey = () => read<string | null>('apiKey', null);
export const saveApiKey = (key: string | null) => write('apiKey', key);

/** The conversation a collection's chat shows; its turns are kept by the server. */
export const savedConversationId = (collectionId: string) =>
  read<string | null>(`conversationId:${collectionId}`, null);
export const saveConversationId = (collectionId: string, id: string | null) =>
  write(`conversationId:${collectionId}`, id);
