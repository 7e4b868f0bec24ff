import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { BusErrorPayload } from '@rag/contracts';
import { randomUUID } from 'node:crypto';
import { Logger } from 'pino';
import { Observable, throwError } from 'rxjs';
import { isDomainError } from '../errors/domain-error';

/** The bus transport's one error mapping: domain errors keep their code; anything else is logged once with an id. */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toBusError(exception, this.logger));
  }
}

export function toBusError(exception: unknown, logger: Logger): BusErrorPayload {
  if (isDomainError(exception)) return exception.toPayload();
  const errorId = randomUUID();
  logger.error({ errorId, err: exception }, 'unexpected error in bus handler');
  return { code: 'INTERNAL', message: `internal error (id ${errorId})` };
}
