import { AppLogger, RequestContext } from '@rag/platform';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import pinoHttp from 'pino-http';

/** Gives every request an id (client-supplied if sane), echoes it, and binds it for logs and bus calls. */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const id = given && /^[a-zA-Z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  RequestContext.run({ correlationId: id }, next);
}

/** Swagger UI (served by @nestjs/swagger under /docs) runs its own scripts and inline styles from this origin. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'";

/** Conservative headers for a JSON API. */
export function securityHeadersMiddleware(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  const docs = req.path === '/docs' || req.path.startsWith('/docs/');
  res.setHeader('Content-Security-Policy', docs ? DOCS_CSP : "default-src 'none'; frame-ancestors 'none'");
  res.removeHeader('X-Powered-By');
  next();
}

/** Paths polled by orchestrators and scrapers: an access line each would drown the rest. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * One access log line per HTTP request (pino-http): method, path, status, time, and the request id
 * the request-context middleware gave it. 5xx lines are warnings: the error itself is logged once,
 * with its id, by the exception filter.
 */
export function accessLogMiddleware(logger: AppLogger): (req: Request, res: Response, next: NextFunction) => void {
  const log = pinoHttp({
    logger,
    genReqId: (_req, res) => String(res.getHeader('X-Request-Id') ?? randomUUID()),
    customLogLevel: (_req, res) => (res.statusCode >= 500 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${req.url} ${res.statusCode}`,
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
    quietReqLogger: true,
  });
  return (req, res, next) => log(req, res, next);
}
