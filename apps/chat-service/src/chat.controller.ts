import { Controller, Get } from '@nestjs/common';
import { ChatHealth, ChatRequestSchema, ChatStream, HealthReply } from '@rag/contracts';
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

  @Get('health')
  @BusHandler(ChatHealth)
  health(): HealthReply {
    return { service: 'chat-service', status: 'ok', uptimeSeconds: process.uptime(), replica: replicaId };
  }
}
