import { z } from 'zod';

/** True when the text holds an ASCII control character (NUL included) or DEL. */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Collection ids appear in URLs and LanceDB filters, so they are restricted to a safe alphabet. */
export const CollectionIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'collection id must match ^[a-zA-Z0-9_-]{1,64}$');

/** Document ids are hex digests made by the ingest service. */
export const DocumentIdSchema = z.string().regex(/^[a-f0-9]{16,64}$/, 'document id must be a hex digest');

export const DataTypeSchema = z.enum(['text', 'table_html', 'image_summary']);
export type DataType = z.infer<typeof DataTypeSchema>;

export const HealthReplySchema = z.object({
  service: z.string(),
  status: z.literal('ok'),
  uptimeSeconds: z.number(),
  replica: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type HealthReply = z.infer<typeof HealthReplySchema>;
export const EmptySchema = z.object({}).strict();
