import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppLogger, BusModule, createUploadStorage, LOGGER, UPLOAD_STORAGE } from '@rag/platform';
import { ChatController } from './chat/chat.controller';
import { ConversationsController } from './chat/conversations.controller';
import { CollectionsController } from './collections/collections.controller';
import { DocumentFilesService } from './collections/document-files.service';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway.config';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { OpenApiController } from './openapi/openapi.controller';
import { AccessGuard } from './http/access.guard';
import { ApiKeyRepository } from './keys/api-key.repository';
import { ApiKeysController } from './keys/api-keys.controller';
import { ApiKeysService } from './keys/api-keys.service';
import { SearchController } from './search/search.controller';
import { TasksController } from './tasks/tasks.controller';
import { UploadController } from './upload/upload.controller';
import { UploadService } from './upload/upload.service';

/** Every HTTP controller; the OpenAPI test checks their routes against the documented table. */
export const GATEWAY_CONTROLLERS = [
  UploadController,
  TasksController,
  SearchController,
  ChatController,
  ConversationsController,
  CollectionsController,
  HealthController,
  MetricsController,
  OpenApiController,
  ApiKeysController,
];

@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [BusModule.forRoot(config)],
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: UPLOAD_STORAGE, useFactory: () => createUploadStorage({ driver: 'local', dir: config.uploadDir }) },
        { provide: APP_GUARD, useClass: AccessGuard },
        UploadService,
        DocumentFilesService,
        ApiKeyRepository,
        ApiKeysService,
        MetricsService,
      ],
    };
  }
}
