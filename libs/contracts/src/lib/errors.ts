import { z } from 'zod';

/** Domain error codes shared by every service; each transport maps them to its own statuses. */
export const ErrorCodes = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'RANGE_NOT_SATISFIABLE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'CONFLICT',
  'EMBEDDER_MISMATCH',
  'DOCUMENT_UNREADABLE',
  'UPSTREAM_ERROR',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;
export const ErrorCodeSchema = z.enum(ErrorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** What a failed bus request carries back to the caller. */
export const BusErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type BusErrorPayload = z.infer<typeof BusErrorSchema>;

/** The body of every HTTP error the gateway sends. */
export const HttpErrorSchema = z.object({
  statusCode: z.number().int(),
  code: ErrorCodeSchema,
  message: z.string(),
  requestId: z.string(),
  details: z.unknown().optional(),
});
export type HttpErrorBody = z.infer<typeof HttpErrorSchema>;
