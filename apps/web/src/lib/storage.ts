import type { Citation } from '@rag/contracts';
import type { ChatTurn } from '../api/api-client';

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

/** A turn as shown: an answer keeps its sources, so its citations still open after a reload. */
export interface SavedTurn extends ChatTurn {
  sources?: Citation[];
  related?: boolean;
}

export const savedConversation = (collectionId: string): SavedTurn[] =>
  read<SavedTurn[] | null>(`conversation:${collectionId}`, null) ??
  // Kept by earlier versions: the turns without their sources.
  read<ChatTurn[]>(`history:${collectionId}`, []);
export const saveConversation = (collectionId: string, turns: SavedTurn[]) =>
  write(`conversation:${collectionId}`, turns.slice(-20));
