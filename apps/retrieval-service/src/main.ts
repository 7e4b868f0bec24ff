import 'reflect-metadata';
import { createLogger, runMain, startService } from '@rag/platform';
import { AppModule } from './app.module';
import { loadRetrievalConfig } from './config/retrieval.config';

runMain('retrieval-service', async () => {
  const config = loadRetrievalConfig();
  const logger = createLogger('retrieval-service', config.logLevel);
  return startService({
    name: 'retrieval-service',
    module: AppModule.register(config, logger),
    config,
    logger,
    bus: true,
    httpPort: config.healthPort,
  });
});
