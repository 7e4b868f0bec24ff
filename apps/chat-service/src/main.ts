import 'reflect-metadata';
import { createLogger, runMain, startService } from '@rag/platform';
import { AppModule } from './app.module';
import { loadChatConfig } from './config/chat.config';

runMain('chat-service', async () => {
  const config = loadChatConfig();
  const logger = createLogger('chat-service', config.logLevel);
  return startService({
    name: 'chat-service',
    module: AppModule.register(config, logger),
    config,
    logger,
    bus: true,
    httpPort: config.healthPort,
  });
});
