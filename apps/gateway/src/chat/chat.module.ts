import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller';
import { ConversationsController } from './conversations.controller';

/** Answers streamed from the chat service, and the conversations it keeps. */
@Module({ controllers: [ChatController, ConversationsController] })
export class ChatModule {}
