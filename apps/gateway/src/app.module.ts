import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AppLogger, BusModule, createUploadStorage, LOGGER, RedisModule, UPLOAD_STORAGE } from '@rag/platform';
import { ChatController } from './chat/chat.controller';
import { ConversationsController } from './chat/conversations.controller';
import { CollectionsController } from './collections/collections.controller';
import { DocumentFilesService } from './collections/document-files.service';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway.config';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { ApiKeyGuard } from './http/api-key.guard';
import { HttpValidationPipe } from './http/http-validation.pipe';
import { RateLimitGuard } from './http/rate-limit.guard';
import { RateLimitStore } from './http/rate-limit.store';
import { ApiKeyRepository } from './keys/api-key.repository';
import { ApiKeysController } from './keys/api-keys.controller';
import { ApiKeysService } from './keys/api-keys.service';
import { SearchController } from './search/search.controller';
import { TasksController } from './tasks/tasks.controller';
import { UploadController } from './upload/upload.controller';
import { UploadService } from './upload/upload.service';

/** Every HTTP controller; the OpenAPI document is read from their decorators. */
export const GATEWAY_CONTROLLERS = [
  UploadController,
  TasksController,
  SearchController,
  ChatController,
  ConversationsController,
  CollectionsController,
  HealthController,
  MetricsController,
  ApiKeysController,
];

@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [BusModule.forRoot(config), RedisModule.forRoot({ ...config, name: 'gateway', mode: 'fail-fast' })],
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: UPLOAD_STORAGE, useFactory: () => createUploadStorage({ driver: 'local', dir: config.uploadDir }) },
        // Guards run in this order: who is calling and may they, then their budget.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_PIPE, useClass: HttpValidationPipe },
        RateLimitStore,
        UploadService,
        DocumentFilesService,
        ApiKeyRepository,
        ApiKeysService,
        MetricsService,
      ],
    };
  }
}
