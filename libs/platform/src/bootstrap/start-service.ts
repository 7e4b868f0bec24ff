import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'pino';
import { BusExceptionFilter } from '../bus/bus-exception.filter';
import { RedisStreamsServer } from '../bus/redis-streams.server';
import { BaseConfig, ConfigError } from '../config/config';
import { PinoNestLogger, replicaId } from '../logging/logger';

export interface StartServiceOptions {
  name: string;
  module: DynamicModule;
  config: BaseConfig;
  logger: Logger;
  /** Listen on the bus (every service but the gateway). */
  bus: boolean;
  /** HTTP port: the public API for the gateway, a private /health for the others (0 = none). */
  httpPort: number;
  httpHost?: string;
  configureHttp?: (app: INestApplication) => void | Promise<void>;
}

/** One start-up path for every service: JSON logs, bus server, HTTP, graceful shutdown. */
export async function startService(opts: StartServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create(opts.module, {
    logger: new PinoNestLogger(opts.logger),
    bodyParser: false,
  });
  app.enableShutdownHooks();
  if (opts.configureHttp) await opts.configureHttp(app);
  // Registered on the app and inherited: a connected microservice cannot take filters of its own once created.
  if (opts.bus) app.useGlobalFilters(new BusExceptionFilter(opts.logger));
  // Modules are initialised before the bus delivers a message: a handler never meets a repository still opening.
  await app.init();
  if (opts.bus) {
    app.connectMicroservice(
      {
        strategy: new RedisStreamsServer({
          redisUrl: opts.config.redisUrl,
          prefix: opts.config.redisPrefix,
          consumerName: `${opts.name}-${replicaId}`,
          concurrency: opts.config.busConcurrency,
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }
  if (opts.httpPort > 0) await app.listen(opts.httpPort, opts.httpHost ?? '0.0.0.0');
  opts.logger.info({ httpPort: opts.httpPort, bus: opts.bus }, `${opts.name} started`);
  return app;
}

/** Runs a service's main(); a bad configuration or failed start exits with a readable message. */
export function runMain(name: string, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
    } else {
      process.stderr.write(
        `${name}: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    process.exit(1);
  });
}
