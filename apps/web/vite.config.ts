import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The web client talks only to the gateway's public API. In development `vite` proxies the API
// to a gateway on GATEWAY_URL; in production the gateway serves the built files itself.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
const api = ['/upload', '/tasks', '/search', '/chat', '/collections', '/embeddings', '/health', '/ready'];

export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: { outDir: resolve(__dirname, '../../dist/apps/web'), emptyOutDir: true, sourcemap: true },
  server: { proxy: Object.fromEntries(api.map((p) => [p, gateway])) },
  test: { environment: 'jsdom', include: ['src/**/*.spec.{ts,tsx}'] },
});
