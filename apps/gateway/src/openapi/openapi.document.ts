import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorCodes, HttpErrorSchema } from '@rag/contracts';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { z } from 'zod';

/** Version of the public HTTP API described by the OpenAPI document. */
export const API_VERSION = '1.0.0';

/** Where the interactive documentation and the document itself are served. */
export const DOCS_PATH = 'docs';
export const OPENAPI_PATH = 'openapi.json';

/**
 * The OpenAPI document of the public API, read by @nestjs/swagger from the controllers' decorators;
 * request and reply schemas are the contracts' zod schemas (nestjs-zod DTOs). Every operation also
 * answers errors as `{statusCode, code, message, requestId}`.
 */
export function buildOpenApiDocument(app: INestApplication, opts: { authEnabled: boolean }): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('RAG gateway')
    .setVersion(API_VERSION)
    // 3.1: its schemas are JSON Schema 2020-12, what zod writes (null in type lists, tuples).
    .setOpenAPIVersion('3.1.0')
    .setDescription(
      'Upload documents into collections, follow ingestion, search, and ask questions answered from the documents with page citations. ' +
        `Errors are always {statusCode, code, message, requestId}; codes: ${ErrorCodes.join(', ')}.`,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key (or one whose sha256 is in API_KEY_HASHES)' },
      'apiKey',
    )
    .build();
  const doc = cleanupOpenApiDoc(
    SwaggerModule.createDocument(app, config, {
      operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    }),
    { version: '3.1' },
  );
  doc.components = {
    ...doc.components,
    schemas: {
      ...doc.components?.schemas,
      Error: z.toJSONSchema(HttpErrorSchema, { io: 'output', target: 'draft-2020-12' }) as never,
    },
    responses: {
      Error: {
        description: 'Any error (4xx/5xx); 429 also sends Retry-After',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
  };
  for (const item of Object.values(doc.paths))
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      op.responses = { ...op.responses, default: { $ref: '#/components/responses/Error' } };
      // With keys off the API takes none: the document should not ask for one.
      if (!opts.authEnabled) delete op.security;
    }
  return doc;
}

/** Serves Swagger UI at /docs (its assets from swagger-ui-dist) and the document at /openapi.json. */
export function serveOpenApiDocument(app: INestApplication, doc: OpenAPIObject): void {
  SwaggerModule.setup(DOCS_PATH, app, doc, {
    jsonDocumentUrl: OPENAPI_PATH,
    raw: ['json'],
    customSiteTitle: 'RAG gateway API',
  });
}
