import { ArgumentMetadata, Injectable } from '@nestjs/common';
import { validationError } from '@rag/platform';
import { createZodValidationPipe } from 'nestjs-zod';
import { z } from 'zod';

class ZodFailure extends Error {
  constructor(readonly error: z.ZodError) {
    super(error.message);
  }
}

const WHERE: Record<ArgumentMetadata['type'], string> = {
  body: 'request body',
  query: 'query',
  param: 'path',
  custom: 'value',
};

/**
 * Validates every parameter typed with a zod DTO (nestjs-zod), and reports a failure as the API's
 * VALIDATION_FAILED error naming where the bad field was (body, query or path).
 */
@Injectable()
export class HttpValidationPipe extends createZodValidationPipe({
  createValidationException: (error) => new ZodFailure(error as z.ZodError),
}) {
  override transform(value: unknown, metadata: ArgumentMetadata): unknown {
    try {
      return super.transform(metadata.type === 'body' ? (value ?? {}) : value, metadata);
    } catch (err) {
      if (err instanceof ZodFailure) throw validationError(err.error, WHERE[metadata.type]);
      throw err;
    }
  }
}
