import { Conversation, ConversationList, StoredTurn } from '@rag/contracts';

/**
 * Port: the turns of a conversation, kept for a limited time, answers with the sources they cited. A
 * conversation belongs to the collection it was started in: from another collection (another
 * tenant's, perhaps) it does not exist (NOT_FOUND), so its turns can be neither read nor extended
 * from there.
 */
export interface ConversationStore {
  load(conversationId: string, collectionId: string): Promise<StoredTurn[]>;
  /** Appends turns, keeps only the last `maxTurns`, and restarts the expiry clock. */
  append(conversationId: string, collectionId: string, turns: StoredTurn[]): Promise<void>;
  /** The conversation with its title (its first question) and last change; NOT_FOUND when there is none. */
  get(conversationId: string, collectionId: string): Promise<Conversation>;
  /** The collection's conversations that have not expired, the latest first. */
  list(collectionId: string, limit: number): Promise<ConversationList['conversations']>;
}

export const CONVERSATION_STORE = Symbol('CONVERSATION_STORE');
