import { z } from 'zod';

/** What a key may do; `admin` manages keys and reads operations data, and may do everything else too. */
export const ApiKeyScopes = ['search', 'chat', 'upload', 'delete', 'admin'] as const;
export const ApiKeyScopeSchema = z.enum(ApiKeyScopes);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** A collection id, a prefix of ids ending in `*` (`team-a-*`), or `*` for every collection. */
export const CollectionPatternSchema = z
  .string()
  .regex(/^(\*|[a-zA-Z0-9_-]{1,64}\*?)$/, 'a collection id, a prefix ending in *, or * for all');

export const ApiKeyIdSchema = z.string().regex(/^[a-f0-9]{16}$/, 'key id must be 16 hex characters');

export const ApiKeyCreateRequestSchema = z.object({
  name: z.string().trim().min(1).max(100).describe('who or what the key is for'),
  tenant: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe("owner the key belongs to (defaults to the creating key's)"),
  scopes: z.array(ApiKeyScopeSchema).min(1),
  collections: z.array(CollectionPatternSchema).min(1).max(100),
  expiresAt: z.iso.datetime().optional().describe('after this instant the key is refused'),
});
export type ApiKeyCreateRequest = z.infer<typeof ApiKeyCreateRequestSchema>;

export const ApiKeySchema = z.object({
  id: ApiKeyIdSchema,
  name: z.string(),
  tenant: z.string(),
  scopes: z.array(ApiKeyScopeSchema),
  collections: z.array(CollectionPatternSchema),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** The reply to a create or rotate: the only time the secret is shown. */
export const ApiKeyWithSecretSchema = ApiKeySchema.extend({
  secret: z.string().describe('send as Authorization: Bearer <secret>; not shown again'),
});
export type ApiKeyWithSecret = z.infer<typeof ApiKeyWithSecretSchema>;

export const ApiKeyParamsSchema = z.object({ keyId: ApiKeyIdSchema });
export const ApiKeyListReplySchema = z.object({ keys: z.array(ApiKeySchema) });

/** The calling key as the gateway sees it (what a client may show or hide). */
/**
 * The API caller a request acts for: the reply of GET /keys/me, and what a bus request carries in its
 * envelope so the service doing the work can check it (retrieval does for writes).
 */
export const CallerIdentitySchema = z.object({
  keyId: z.string().nullable(),
  tenant: z.string().nullable(),
  scopes: z.array(ApiKeyScopeSchema),
  collections: z.array(CollectionPatternSchema),
});
export type CallerIdentity = z.infer<typeof CallerIdentitySchema>;
export const CallerReplySchema = CallerIdentitySchema;
export type CallerReply = CallerIdentity;
