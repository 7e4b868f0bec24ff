import { BusErrorPayload, ErrorCode } from '@rag/contracts';

/** An expected failure with a stable code; transports map the code to their own status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): BusErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
