import { ErrorCodes, HttpErrorSchema } from '@rag/contracts';
import { z } from 'zod';
import { API_ROUTES, ApiRoute } from './api-routes';

type Json = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Json;

/** `/tasks/:taskId` → `/tasks/{taskId}` */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(route: ApiRoute): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!obj) continue;
    const schema = toSchema(obj, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (schema.required ?? []).includes(name),
        ...(prop.deprecated ? { deprecated: true } : {}),
        schema: prop,
      });
    }
  }
  return out;
}

function operation(route: ApiRoute, authEnabled: boolean): Json {
  const op: Json = {
    tags: [route.tag],
    summary: route.summary,
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
  };
  if (route.description) op.description = route.description;
  if (route.deprecated) op.deprecated = true;
  const params = parameters(route);
  if (params.length) op.parameters = params;
  if (route.body)
    op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } };
  if (route.rawBody)
    op.requestBody = { required: true, content: { [route.rawBody.contentType]: { schema: route.rawBody.schema } } };
  const ok: Json = { description: 'success' };
  if (route.reply)
    ok.content = { [route.replyContentType ?? 'application/json']: { schema: toSchema(route.reply, 'output') } };
  else if (route.replyContentType) ok.content = { [route.replyContentType]: { schema: { type: 'string' } } };
  op.responses = { [String(route.status)]: ok, default: { $ref: '#/components/responses/Error' } };
  if (route.open) op.security = [];
  else if (authEnabled) op.security = [{ apiKey: [] }];
  return op;
}

/** The OpenAPI 3.0 document of the public API, built from the same zod schemas that validate requests. */
export function buildOpenApiDocument(opts: { authEnabled: boolean; version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const route of API_ROUTES) {
    if (route.hidden) continue;
    const p = openApiPath(route.path);
    paths[p] = { ...(paths[p] ?? {}), [route.method]: operation(route, opts.authEnabled) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'RAG gateway',
      version: opts.version,
      description:
        'Upload documents into collections, follow ingestion, search, and ask questions answered from the documents with page citations. ' +
        `Errors are always {statusCode, code, message, requestId}; codes: ${ErrorCodes.join(', ')}.`,
    },
    tags: ['ingest', 'search', 'chat', 'collections', 'operations'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key whose sha256 is in API_KEY_HASHES' },
      },
      schemas: { Error: toSchema(HttpErrorSchema, 'output') },
      responses: {
        Error: {
          description: 'Any error (4xx/5xx); 429 also sends Retry-After',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
