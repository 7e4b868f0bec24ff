import { PipeTransform } from '@nestjs/common';
import { parseOrThrow } from '@rag/platform';
import { z } from 'zod';

/** Validates an HTTP body or query with the same schema the receiving service uses. */
export class ZodPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodType,
    private readonly what = 'request body',
  ) {}
  transform(value: unknown): unknown {
    return parseOrThrow(this.schema, value ?? {}, this.what);
  }
}
