import 'reflect-metadata';
import { createLogger, runMain, startService } from '@rag/platform';
import { AppModule } from './app.module';
import { loadIngestConfig } from './config/ingest.config';

runMain('ingest-service', async () => {
  const config = loadIngestConfig();
  const logger = createLogger('ingest-service', config.logLevel);
  return startService({
    name: 'ingest-service',
    module: AppModule.register(config, logger),
    config,
    logger,
    bus: true,
    httpPort: config.healthPort,
  });
});
