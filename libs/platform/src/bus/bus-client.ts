import { BusErrorSchema, MessageContract, ReplyOf, RequestOf } from '@rag/contracts';
import { catchError, firstValueFrom, map, Observable, throwError, timeout, TimeoutError } from 'rxjs';
import { z } from 'zod';
import { callDeadline } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { RedisStreamsClient } from './redis-streams.client';

export interface RequestOptions {
  /** Time allowed for the first reply (default: the bus timeout). */
  timeoutMs?: number;
  /** Streams only: time allowed between two items after the first (default: timeoutMs). */
  idleTimeoutMs?: number;
}

/**
 * Typed calls over the bus. Every call has a timeout, so a service that is down surfaces as
 * SERVICE_UNAVAILABLE within a bounded time; every reply is validated against its contract.
 */
export class BusClient {
  constructor(
    private readonly client: RedisStreamsClient,
    private readonly defaultTimeoutMs: number,
  ) {}

  request<M extends MessageContract<z.ZodType, z.ZodType>>(
    contract: M,
    payload: RequestOf<M>,
    options: RequestOptions = {},
  ): Promise<ReplyOf<M>> {
    const ms = options.timeoutMs ?? this.defaultTimeoutMs;
    // The transport puts this in the envelope, so the handler knows when nobody waits for it any more.
    return callDeadline.run(Date.now() + ms, () => firstValueFrom(this.stream(contract, payload, options)));
  }

  stream<M extends MessageContract<z.ZodType, z.ZodType>>(
    contract: M,
    payload: RequestOf<M>,
    options: RequestOptions = {},
  ): Observable<ReplyOf<M>> {
    const ms = options.timeoutMs ?? this.defaultTimeoutMs;
    // A service that is down fails fast on the first reply; a slow stream may pause longer between items.
    return this.client.send(contract.pattern, payload).pipe(
      timeout({ first: ms, each: options.idleTimeoutMs ?? ms }),
      map((reply: unknown) => {
        const r = contract.reply.safeParse(reply);
        if (!r.success) {
          throw new DomainError(
            'INTERNAL',
            `reply to ${contract.pattern} broke its contract: ${r.error.issues[0]?.message}`,
          );
        }
        return r.data as ReplyOf<M>;
      }),
      catchError((err: unknown) => throwError(() => toDomainError(err, contract.pattern, ms))),
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function toDomainError(err: unknown, pattern: string, ms: number): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof TimeoutError) {
    return new DomainError(
      'SERVICE_UNAVAILABLE',
      `no reply to ${pattern} within ${ms} ms: the service is down or overloaded`,
    );
  }
  const parsed = BusErrorSchema.safeParse(err);
  if (parsed.success) return new DomainError(parsed.data.code, parsed.data.message, parsed.data.details);
  const message = err instanceof Error ? err.message : typeof err === 'object' ? JSON.stringify(err) : String(err);
  return new DomainError('INTERNAL', `${pattern} failed: ${message}`);
}
