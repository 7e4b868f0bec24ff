import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { createEmbedder, EMBEDDER } from '@rag/ai';
import { QueueNames } from '@rag/contracts';
import {
  AppLogger,
  BusModule,
  createUploadStorage,
  LOGGER,
  redisKeysFor,
  RedisModule,
  UPLOAD_STORAGE,
} from '@rag/platform';
import { INGEST_CONFIG, IngestConfig } from './config/ingest.config';
import { IngestController } from './ingest.controller';
import { PARTITIONER } from './partition/element';
import { createPartitioner } from './partition/partitioner.factory';
import { IngestPipelineService } from './pipeline/ingest-pipeline.service';
import { BullConnection } from './queue/bull-connection';
import { IngestQueueAdapter } from './queue/ingest-queue.adapter';
import { TaskIndexRepository } from './tasks/task-index.repository';
import { TasksService } from './tasks/tasks.service';
import { UploadReconcilerService } from './tasks/upload-reconciler.service';

@Module({})
export class AppModule {
  static register(config: IngestConfig, logger: AppLogger): DynamicModule {
    const bull = new BullConnection(config.redisUrl);
    return {
      module: AppModule,
      imports: [
        BusModule.forRoot(config),
        RedisModule.forRoot({ ...config, name: 'ingest', mode: 'queued' }),
        BullModule.forRoot({
          ...bull.options(),
          prefix: redisKeysFor(config).bullPrefix,
          // A replica that dies mid-job stops renewing its lock (renewed every half of it); within about
          // lockMs + stalledCheckMs another replica takes the job again (it was 60 s + 30 s).
          settings: { lockDuration: config.job.lockMs, stalledInterval: config.job.stalledCheckMs, maxStalledCount: 2 },
        }),
        BullModule.registerQueue({ name: QueueNames.ingest }),
      ],
      controllers: [IngestController],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        { provide: BullConnection, useValue: bull },
        { provide: LOGGER, useValue: logger },
        { provide: EMBEDDER, useFactory: () => createEmbedder(config.embedder) },
        { provide: UPLOAD_STORAGE, useFactory: () => createUploadStorage({ driver: 'local', dir: config.uploadDir }) },
        { provide: PARTITIONER, useFactory: () => createPartitioner(config, logger) },
        IngestPipelineService,
        IngestQueueAdapter,
        TasksService,
        TaskIndexRepository,
        UploadReconcilerService,
      ],
    };
  }
}
