import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, runMain, startService } from '@rag/platform';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config/gateway.config';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { webClientMiddleware } from './http/web-client.middleware';
import { metricsMiddleware } from './metrics/metrics.middleware';
import { MetricsService } from './metrics/metrics.service';
import { buildOpenApiDocument, serveOpenApiDocument } from './openapi/openapi.document';
import {
  accessLogMiddleware,
  requestContextMiddleware,
  securityHeadersMiddleware,
} from './http/request-context.middleware';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.logLevel);
  return startService({
    name: 'gateway',
    module: AppModule.register(config, logger),
    config,
    logger,
    bus: false,
    httpPort: config.port,
    httpHost: config.host,
    configureHttp: (app) => {
      const http = app as NestExpressApplication;
      http.set('trust proxy', 'loopback');
      http.disable('x-powered-by');
      http.use(requestContextMiddleware);
      http.use(accessLogMiddleware(logger));
      http.use(metricsMiddleware(http.get(MetricsService)));
      http.use(securityHeadersMiddleware);
      const web = webClientMiddleware(config.webDir, logger);
      if (web) http.use(web);
      http.useBodyParser('json', { limit: config.maxJsonBytes });
      if (config.corsOrigins.length)
        http.enableCors({ origin: config.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After'] });
      http.useGlobalFilters(new HttpExceptionFilter(logger));
      serveOpenApiDocument(http, buildOpenApiDocument(http, { authEnabled: config.auth.enabled }));
      // Node closes idle connections after 5 s: a client (or proxy) reusing one at that moment writes into a closed socket (EPIPE).
      const server = http.getHttpServer() as import('node:http').Server;
      server.keepAliveTimeout = config.keepAliveTimeoutMs;
      server.headersTimeout = config.keepAliveTimeoutMs + 1000;
    },
  });
});
