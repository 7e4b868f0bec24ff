import SwaggerParser from '@apidevtools/swagger-parser';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { GATEWAY_CONTROLLERS } from '../app.module';
import { API_ROUTES } from './api-routes';
import { buildOpenApiDocument, openApiPath } from './openapi.document';

const join = (...parts: string[]) =>
  '/' +
  parts
    .map((p) => p.replace(/^\/|\/$/g, ''))
    .filter(Boolean)
    .join('/');

/** The routes Nest will register, read from the controllers' decorator metadata. */
function controllerRoutes(): string[] {
  const out: string[] = [];
  for (const ctrl of GATEWAY_CONTROLLERS) {
    const base = (Reflect.getMetadata(PATH_METADATA, ctrl) as string) ?? '';
    for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
      const handler = (ctrl.prototype as unknown as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      out.push(`${RequestMethod[method].toLowerCase()} ${join(base, path)}`);
    }
  }
  return out.sort();
}

describe('OpenAPI document', () => {
  it('passes an OpenAPI 3 validator', async () => {
    const doc = buildOpenApiDocument({ authEnabled: true, version: 'test' });
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents exactly the routes the controllers serve', () => {
    expect(controllerRoutes().length).toBeGreaterThan(10);
    expect(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(controllerRoutes());
  });

  it('is a valid-looking OpenAPI 3 document with every path, parameter and body schema', () => {
    const doc = buildOpenApiDocument({ authEnabled: true, version: 'test' }) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string }[];
            requestBody?: unknown;
            security?: unknown[];
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const r of API_ROUTES.filter((x) => !x.hidden)) {
      const op = doc.paths[openApiPath(r.path)]?.[r.method];
      expect(op).toBeDefined();
      expect(op.responses[String(r.status)]).toBeDefined();
      for (const name of r.path.match(/:([A-Za-z0-9_]+)/g) ?? []) {
        expect(op.parameters?.some((p) => p.in === 'path' && p.name === name.slice(1))).toBe(true);
      }
      expect(Boolean(op.requestBody)).toBe(Boolean(r.body || r.rawBody));
      expect(op.security).toEqual(r.open ? [] : [{ apiKey: [] }]);
    }
    // Constraints from the validating schemas reach the document.
    const search = doc.paths['/search'].post.requestBody as {
      content: {
        'application/json': { schema: { properties: Record<string, { pattern?: string; maximum?: number }> } };
      };
    };
    const props = search.content['application/json'].schema.properties;
    expect(props.collectionId.pattern).toBe('^[a-zA-Z0-9_-]{1,64}$');
    expect(props.topK.maximum).toBe(50);
    const tasks = doc.paths['/tasks'].get.parameters ?? [];
    expect(tasks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'collectionId', in: 'query' }),
        expect.objectContaining({ name: 'collection_id', in: 'query', deprecated: true }),
      ]),
    );
    const deprecated = (path: string) => (doc.paths[path].delete as { deprecated?: boolean }).deprecated;
    expect(deprecated('/embeddings/{collectionId}/{documentId}')).toBe(true);
    expect(deprecated('/collections/{collectionId}/documents/{documentId}')).toBeUndefined();
  });
});
