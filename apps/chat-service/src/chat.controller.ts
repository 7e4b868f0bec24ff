import { Controller, Get } from '@nestjs/common';
import {
  ChatConversationGet,
  ChatConversationList,
  ChatHealth,
  ChatRequestSchema,
  ChatStream,
  HealthReply,
} from '@rag/contracts';
import { BusHandler, BusPayload, replicaId } from '@rag/platform';
import { z } from 'zod';
import { ChatService } from './chat/chat.service';

@Controller()
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  /** Returns an Observable: each event crosses the bus as soon as it is produced. */
  @BusHandler(ChatStream)
  stream(@BusPayload(ChatStream) q: z.output<typeof ChatRequestSchema>) {
    return this.chat.stream(q);
  }

  @BusHandler(ChatConversationGet)
  conversation(@BusPayload(ChatConversationGet) q: z.output<typeof ChatConversationGet.request>) {
    return this.chat.conversation(q);
  }

  @BusHandler(ChatConversationList)
  conversationList(@BusPayload(ChatConversationList) q: z.output<typeof ChatConversationList.request>) {
    return this.chat.conversationList(q);
  }

  @Get('health')
  @BusHandler(ChatHealth)
  health(): HealthReply {
    return { service: 'chat-service', status: 'ok', uptimeSeconds: process.uptime(), replica: replicaId };
  }
}
