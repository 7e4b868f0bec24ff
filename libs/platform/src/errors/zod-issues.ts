import { z } from 'zod';
import { DomainError } from './domain-error';

/** Turns a zod failure into a VALIDATION_FAILED error whose message names each bad field. */
export function validationError(error: z.ZodError, what = 'payload'): DomainError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new DomainError('VALIDATION_FAILED', `invalid ${what}: ${summary}`, { issues });
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error, what);
  return r.data;
}
