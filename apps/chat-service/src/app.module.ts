import { DynamicModule, Module } from '@nestjs/common';
import { OpenAiAdapter, ThesaurusQueryExpander, WordNetThesaurus } from '@rag/ai';
import { AppLogger, BusModule, LOGGER, REDIS, REDIS_KEYS, RedisClient, RedisKeys, RedisModule } from '@rag/platform';
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
      imports: [BusModule.forRoot(config), RedisModule.forRoot({ ...config, name: 'chat', mode: 'fail-fast' })],
      controllers: [ChatController],
      providers: [
        { provide: CHAT_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: LLM_PROVIDER,
          useFactory: () =>
            config.provider === 'openai'
              ? new OpenAiLlm(new OpenAiAdapter(config.openai!), config.model, config.maxCompletionTokens)
              : new ExtractiveLlm({
                  lexicon: new WordNetLexicon(),
                  expander: new ThesaurusQueryExpander(null),
                  thesaurus: new WordNetThesaurus(),
                }),
        },
        {
          provide: CONVERSATION_STORE,
          inject: [REDIS, REDIS_KEYS],
          useFactory: (redis: RedisClient, keys: RedisKeys) =>
            new RedisConversationRepository(redis, keys, config.conversation),
        },
        ChatService,
      ],
    };
  }
}
