import { ChatTurn } from '@rag/contracts';

/** Port: the turns of a conversation, kept for a limited time. */
export interface ConversationStore {
  load(conversationId: string): Promise<ChatTurn[]>;
  /** Appends turns, keeps only the last `maxTurns`, and restarts the expiry clock. */
  append(conversationId: string, turns: ChatTurn[]): Promise<void>;
}

export const CONVERSATION_STORE = Symbol('CONVERSATION_STORE');
