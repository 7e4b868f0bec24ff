import { DynamicModule, Module } from '@nestjs/common';
import { OpenAiAdapter, ThesaurusQueryExpander } from '@rag/ai';
import { AppLogger, BusModule, LOGGER } from '@rag/platform';
import { ChatController } from './chat.controller';
import { ChatService } from './chat/chat.service';
import { CHAT_CONFIG, ChatConfig } from './config/chat.config';
import { CONVERSATION_STORE } from './conversation/conversation.store';
import { RedisConversationRepository } from './conversation/redis-conversation.repository';
import { ExtractiveLlm } from './llm/extractive.llm';
import { WordNetLexicon } from './llm/lexicon';
import { LLM_PROVIDER } from './llm/llm-provider';
import { OpenAiLlm } from './llm/openai.llm';

@Module({})
export class AppModule {
  static register(config: ChatConfig, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [BusModule.forRoot(config)],
      controllers: [ChatController],
      providers: [
        { provide: CHAT_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: LLM_PROVIDER,
          useFactory: () =>
            config.provider === 'openai'
              ? new OpenAiLlm(new OpenAiAdapter(config.openai!), config.model, config.maxCompletionTokens)
              : new ExtractiveLlm({ lexicon: new WordNetLexicon(), expander: new ThesaurusQueryExpander(null) }),
        },
        {
          provide: CONVERSATION_STORE,
          useFactory: () =>
            new RedisConversationRepository({
              redisUrl: config.redisUrl,
              prefix: config.redisPrefix,
              ...config.conversation,
            }),
        },
        ChatService,
      ],
    };
  }
}
