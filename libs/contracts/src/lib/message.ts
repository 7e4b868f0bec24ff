import { z } from 'zod';
import { Pattern } from './wire-names';

/** One bus message: its wire name plus the schemas of its request and reply (or streamed items). */
export interface MessageContract<Req extends z.ZodType, Res extends z.ZodType> {
  readonly pattern: Pattern;
  readonly request: Req;
  readonly reply: Res;
}

export function defineMessage<Req extends z.ZodType, Res extends z.ZodType>(
  pattern: Pattern,
  request: Req,
  reply: Res,
): MessageContract<Req, Res> {
  return { pattern, request, reply };
}

export type RequestOf<M> = M extends MessageContract<infer Req, z.ZodType> ? z.input<Req> : never;
export type ReplyOf<M> = M extends MessageContract<z.ZodType, infer Res> ? z.output<Res> : never;
