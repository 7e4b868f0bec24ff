import express from 'express';
import pino from 'pino';
import { Writable } from 'node:stream';
import { AddressInfo } from 'node:net';
import { accessLogMiddleware, requestContextMiddleware } from './request-context.middleware';

describe('access log', () => {
  it('writes one line per request with its id, method, path and status; none for health checks; no headers', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const app = express();
    app.use(requestContextMiddleware);
    app.use(accessLogMiddleware(pino({ level: 'info' }, sink)));
    app.get('/health', (_req, res) => void res.json({ ok: true }));
    app.post('/search', (_req, res) => void res.status(400).json({ code: 'VALIDATION_FAILED' }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/health`);
      const r = await fetch(`${base}/search?x=1`, {
        method: 'POST',
        headers: { authorization: 'Bearer secret-key', 'x-request-id': 'req-42' },
      });
      expect(r.headers.get('x-request-id')).toBe('req-42');
      await new Promise((ok) => setTimeout(ok, 20));
    } finally {
      server.close();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      req: { id: 'req-42', method: 'POST', url: '/search?x=1' },
      res: { statusCode: 400 },
      msg: 'POST /search?x=1 400',
    });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('secret-key');
  });
});
