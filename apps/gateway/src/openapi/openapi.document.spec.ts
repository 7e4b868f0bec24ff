import SwaggerParser from '@apidevtools/swagger-parser';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { GATEWAY_CONTROLLERS } from '../app.module';
import { ROUTE_ACCESS, RouteAccess } from '../http/access.decorators';
import { buildOpenApiDocument } from './openapi.document';

const join = (...parts: string[]) =>
  '/' +
  parts
    .map((p) => p.replace(/^\/|\/$/g, ''))
    .filter(Boolean)
    .join('/');

interface Route {
  method: string;
  path: string;
  access: RouteAccess | undefined;
}

/** The routes Nest will register, read from the controllers' decorator metadata. */
function controllerRoutes(): Route[] {
  const out: Route[] = [];
  for (const ctrl of GATEWAY_CONTROLLERS) {
    const base = (Reflect.getMetadata(PATH_METADATA, ctrl) as string) ?? '';
    for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
      const handler = (ctrl.prototype as unknown as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      out.push({
        method: RequestMethod[method].toLowerCase(),
        path: join(base, path).replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
        access: Reflect.getMetadata(ROUTE_ACCESS, handler) as RouteAccess | undefined,
      });
    }
  }
  return out;
}

type Op = {
  parameters?: { name: string; in: string; required?: boolean; deprecated?: boolean }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  security?: unknown[];
  deprecated?: boolean;
  responses: Record<string, unknown>;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Op>>;
  components: { schemas: Record<string, { properties?: Record<string, { pattern?: string; maximum?: number }> }> };
};

describe('OpenAPI document (from the controllers)', () => {
  let app: INestApplication;
  const build = (authEnabled: boolean) => buildOpenApiDocument(app, { authEnabled }) as unknown as Doc;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: GATEWAY_CONTROLLERS })
      .useMocker(() => ({}))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
  });
  afterAll(() => app.close());

  it('passes an OpenAPI 3 validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(build(true)) as never)).resolves.toBeDefined();
  });

  it('declares who may call every route, and documents each with its path parameters and security', () => {
    const routes = controllerRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const doc = build(true);
    for (const r of routes) {
      expect({ route: `${r.method} ${r.path}`, declared: r.access !== undefined }).toEqual({
        route: `${r.method} ${r.path}`,
        declared: true,
      });
      const op = doc.paths[r.path]?.[r.method];
      expect(op).toBeDefined();
      expect(Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s))).toHaveLength(1);
      expect(op.responses.default).toEqual({ $ref: '#/components/responses/Error' });
      for (const name of r.path.match(/\{([A-Za-z0-9_]+)\}/g) ?? [])
        expect(op.parameters?.some((p) => p.in === 'path' && p.name === name.slice(1, -1))).toBe(true);
      expect(op.security).toEqual(r.access?.kind === 'public' ? undefined : [{ apiKey: [] }]);
    }
    // With keys off nothing asks for one.
    for (const item of Object.values(build(false).paths))
      for (const op of Object.values(item)) expect(op.security).toBeUndefined();
  });

  it('carries the validating schemas: bodies, constraints, query parameters, deprecations', () => {
    const doc = build(true);
    for (const [path, method] of [
      ['/search', 'post'],
      ['/chat', 'post'],
      ['/chat/stream', 'post'],
      ['/collections', 'post'],
      ['/keys', 'post'],
      ['/upload/{collectionId}', 'post'],
    ])
      expect(doc.paths[path][method].requestBody).toBeDefined();
    const ref = doc.paths['/search'].post.requestBody!.content['application/json'].schema.$ref!;
    const props = doc.components.schemas[ref.split('/').at(-1)!].properties!;
    expect(props.collectionId.pattern).toBe('^[a-zA-Z0-9_-]{1,64}$');
    expect(props.topK.maximum).toBe(50);
    expect(doc.paths['/tasks'].get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'collectionId', in: 'query' }),
        expect.objectContaining({ name: 'collection_id', in: 'query', deprecated: true }),
      ]),
    );
    expect(doc.paths['/embeddings/{collectionId}/{documentId}'].delete.deprecated).toBe(true);
    expect(doc.paths['/collections/{collectionId}/documents/{documentId}'].delete.deprecated).toBeUndefined();
  });
});
