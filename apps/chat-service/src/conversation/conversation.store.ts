import { ChatTurn } from '@rag/contracts';

/**
 * Port: the turns of a conversation, kept for a limited time. A conversation belongs to the
 * collection it was started in: from another collection (another tenant's, perhaps) it does not
 * exist (NOT_FOUND), so its turns can be neither read nor extended from there.
 */
export interface ConversationStore {
  load(conversationId: string, collectionId: string): Promise<ChatTurn[]>;
  /** Appends turns, keeps only the last `maxTurns`, and restarts the expiry clock. */
  append(conversationId: string, collectionId: string, turns: ChatTurn[]): Promise<void>;
}

export const CONVERSATION_STORE = Symbol('CONVERSATION_STORE');
