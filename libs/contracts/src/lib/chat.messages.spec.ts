import { ConversationListRequestSchema, ConversationRequestSchema, StoredTurnSchema } from './chat.messages';

describe('conversation messages', () => {
  it('reads a turn stored before answers kept their sources', () => {
    expect(StoredTurnSchema.parse({ role: 'assistant', content: 'Metformin lowers glucose. [1]' })).toEqual({
      role: 'assistant',
      content: 'Metformin lowers glucose. [1]',
    });
  });

  it('takes a list limit from a query string, within 1..100, 20 when absent', () => {
    expect(ConversationListRequestSchema.parse({ collectionId: 'books', limit: '5' }).limit).toBe(5);
    expect(ConversationListRequestSchema.parse({ collectionId: 'books' }).limit).toBe(20);
    expect(ConversationListRequestSchema.safeParse({ collectionId: 'books', limit: 0 }).success).toBe(false);
  });

  it('refuses a conversation id that could name another key', () => {
    expect(ConversationRequestSchema.safeParse({ collectionId: 'books', conversationId: 'a:b*c' }).success).toBe(false);
    expect(ConversationRequestSchema.safeParse({ collectionId: 'books', conversationId: 'conv-0001' }).success).toBe(
      true,
    );
  });
});
