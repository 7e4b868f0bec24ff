import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { BusErrorPayload } from '@rag/contracts';
import { randomUUID } from 'node:crypto';
import { Logger } from 'pino';
import { Observable, throwError } from 'rxjs';
import { isDomainError } from '../errors/domain-error';

/** The bus transport's one error mapping: domain errors keep their code; anything else is logged once with an id. */
@Catch()
export class BusExceptionFilter implements ExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const payload = toBusError(exception, this.logger);
    if (host.getType() === 'rpc') return throwError(() => payload);
    // The private HTTP health endpoint of a bus service shares this filter.
    const res = host.switchToHttp().getResponse<{ status(n: number): { json(b: unknown): void } }>();
    res.status(payload.code === 'INTERNAL' ? 500 : 400).json(payload);
  }
}

export function toBusError(exception: unknown, logger: Logger): BusErrorPayload {
  if (isDomainError(exception)) return exception.toPayload();
  const errorId = randomUUID();
  logger.error({ errorId, err: exception }, 'unexpected error in bus handler');
  return { code: 'INTERNAL', message: `internal error (id ${errorId})` };
}
