import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ChatConversationGet,
  ChatConversationList,
  CollectionIdSchema,
  ConversationIdSchema,
  ConversationListQuery,
  ConversationListQuerySchema,
} from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { ZodPipe } from '../http/zod-body.pipe';

/** Conversations kept by the chat service, so a client shows them again after a reload or on another device. */
@Controller('collections/:collectionId/conversations')
export class ConversationsController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  list(
    @Param('collectionId', new ZodPipe(CollectionIdSchema, 'collection id')) collectionId: string,
    @Query(new ZodPipe(ConversationListQuerySchema, 'query')) q: ConversationListQuery,
  ) {
    return this.bus.request(ChatConversationList, { collectionId, limit: q.limit });
  }

  @Get(':conversationId')
  get(
    @Param('collectionId', new ZodPipe(CollectionIdSchema, 'collection id')) collectionId: string,
    @Param('conversationId', new ZodPipe(ConversationIdSchema, 'conversation id')) conversationId: string,
  ) {
    return this.bus.request(ChatConversationGet, { collectionId, conversationId });
  }
}
