import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChatConversationGet, ChatConversationList } from '@rag/contracts';
import { BusClient } from '@rag/platform';
import { RequireScopes } from '../http/access.decorators';
import {
  CollectionParamsDto,
  ConversationDto,
  ConversationListQueryDto,
  ConversationListReplyDto,
  ConversationParamsDto,
} from '../http/http-api.dto';

/** Conversations kept by the chat service, so a client shows them again after a reload or on another device. */
@ApiTags('chat')
@Controller('collections/:collectionId/conversations')
export class ConversationsController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @RequireScopes('chat')
  @ApiOperation({
    summary: "The collection's conversations kept by the chat service (for CONVERSATION_TTL_SECONDS), the latest first",
  })
  @ApiOkResponse({ type: ConversationListReplyDto.Output })
  list(@Param() { collectionId }: CollectionParamsDto, @Query() q: ConversationListQueryDto) {
    return this.bus.request(ChatConversationList, { collectionId, limit: q.limit });
  }

  @Get(':conversationId')
  @RequireScopes('chat')
  @ApiOperation({
    summary:
      'One conversation: its turns, each answer with the sources it cited (404 when expired or of another collection)',
  })
  @ApiOkResponse({ type: ConversationDto.Output })
  get(@Param() { collectionId, conversationId }: ConversationParamsDto) {
    return this.bus.request(ChatConversationGet, { collectionId, conversationId });
  }
}
