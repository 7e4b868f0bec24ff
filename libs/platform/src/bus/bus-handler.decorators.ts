import { applyDecorators, PipeTransform } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { MessageContract } from '@rag/contracts';
import { z } from 'zod';
import { parseOrThrow } from '../errors/zod-issues';

/** Validates a bus payload with the message's schema; failures become VALIDATION_FAILED (HTTP 400). */
export class ContractPipe implements PipeTransform {
  constructor(private readonly schema: z.ZodType) {}
  transform(value: unknown): unknown {
    return parseOrThrow(this.schema, value, 'message payload');
  }
}

/** Binds a handler to a contract's wire pattern. */
export const BusHandler = (contract: MessageContract<z.ZodType, z.ZodType>) =>
  applyDecorators(MessagePattern(contract.pattern));

/** The handler's payload, parsed and typed by the contract's request schema. */
export const BusPayload = (contract: MessageContract<z.ZodType, z.ZodType>) =>
  Payload(new ContractPipe(contract.request));
