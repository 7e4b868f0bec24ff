import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { ErrorCode, HttpErrorBody } from '@rag/contracts';
import { AppLogger, isDomainError, RequestContext } from '@rag/platform';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  EMBEDDER_MISMATCH: 409,
  DOCUMENT_UNREADABLE: 422,
  UPSTREAM_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
};

const FROM_HTTP: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** The HTTP transport's one error mapping: every error body is {statusCode, code, message, requestId}. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const requestId = RequestContext.correlationId() ?? randomUUID();
    let body: HttpErrorBody;
    if (isDomainError(exception)) {
      body = { statusCode: STATUS[exception.code], code: exception.code, message: exception.message, requestId };
      if (exception.details !== undefined) body.details = exception.details;
    } else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      const message = typeof r === 'string' ? r : ((r as { message?: string | string[] }).message ?? exception.message);
      body = {
        statusCode: status,
        code: FROM_HTTP[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED'),
        message: Array.isArray(message) ? message.join('; ') : message,
        requestId,
      };
    } else if ((exception as { type?: string })?.type === 'entity.too.large') {
      body = { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body too large', requestId };
    } else if ((exception as { type?: string })?.type === 'entity.parse.failed') {
      body = { statusCode: 400, code: 'VALIDATION_FAILED', message: 'request body is not valid JSON', requestId };
    } else {
      this.logger.error({ errorId: requestId, err: exception }, 'unexpected error');
      body = { statusCode: 500, code: 'INTERNAL', message: `internal error (id ${requestId})`, requestId };
    }
    if (
      body.code === 'RATE_LIMITED' &&
      (exception as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds
    ) {
      res.setHeader(
        'Retry-After',
        String((exception as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds),
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}
