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
export const savedHistory = (collectionId: string) => read<ChatTurn[]>(`history:${collectionId}`, []);
export const saveHistory = (collectionId: string, turns: ChatTurn[]) =>
  write(`history:${collectionId}`, turns.slice(-20));
