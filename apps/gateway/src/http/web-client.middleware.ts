import { AppLogger } from '@rag/platform';
import express from 'express';
import type { RequestHandler } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The web client may load its own scripts and styles and talk to this origin; nothing else. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-src blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Serves the built web client (static files, `/` → index.html) when its directory exists. */
export function webClientMiddleware(dir: string | null, logger: AppLogger): RequestHandler | null {
  if (!dir) return null;
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ webDir: dir }, 'web client not built here: serving the API only (run `npx nx build web`)');
    return null;
  }
  return express.static(dir, {
    index: 'index.html',
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader('Content-Security-Policy', WEB_CSP);
      // Hashed asset names never change content; index.html must be revalidated.
      res.setHeader('Cache-Control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
}
