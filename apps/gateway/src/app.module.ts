import { DynamicModule, Global, Module } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { AppLogger, BusModule, createUploadStorage, LOGGER, RedisModule, UPLOAD_STORAGE } from '@rag/platform';
import { ChatModule } from './chat/chat.module';
import { CollectionsModule } from './collections/collections.module';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway.config';
import { AccessModule } from './http/access.module';
import { KeysModule } from './keys/keys.module';
import { OperationsModule } from './metrics/operations.module';
import { SearchModule } from './search/search.module';
import { IngestModule } from './upload/ingest.module';

/** The gateway's features, each a module of its own. */
export const GATEWAY_FEATURES = [
  IngestModule,
  SearchModule,
  ChatModule,
  CollectionsModule,
  KeysModule,
  OperationsModule,
  AccessModule,
];

/** Every HTTP controller (the OpenAPI document is read from their decorators). */
export const GATEWAY_CONTROLLERS = GATEWAY_FEATURES.flatMap(
  (m) => (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, m) as Array<new (...args: never[]) => unknown>) ?? [],
);

/** What every feature may inject: configuration, the logger and upload storage. */
@Global()
@Module({})
class GatewayCoreModule {
  static register(config: GatewayConfig, logger: AppLogger): DynamicModule {
    const providers = [
      { provide: GATEWAY_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: UPLOAD_STORAGE, useFactory: () => createUploadStorage({ driver: 'local', dir: config.uploadDir }) },
    ];
    return { module: GatewayCoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: AppLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        GatewayCoreModule.register(config, logger),
        BusModule.forRoot(config),
        RedisModule.forRoot({ ...config, name: 'gateway', mode: 'fail-fast' }),
        ...GATEWAY_FEATURES,
      ],
    };
  }
}
