import { LoggerService } from '@nestjs/common';
import { hostname } from 'node:os';
import pino, { Logger } from 'pino';
import { RequestContext } from '../context/request-context';

export type AppLogger = Logger;

export const replicaId = `${hostname()}-${process.pid}`;

/** Structured JSON logs; every line carries service, replica and the current correlation id. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service, replica: replicaId },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const id = RequestContext.correlationId();
      return id ? { correlationId: id } : {};
    },
    redact: {
      paths: ['*.apiKey', '*.authorization', '*.password', 'headers.authorization', '*.OPENAI_API_KEY'],
      censor: '[redacted]',
    },
  });
}

/** Adapts pino to Nest's LoggerService so framework logs are JSON too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

/** DI token for the service's pino logger. */
export const LOGGER = Symbol('LOGGER');
