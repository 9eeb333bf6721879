/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// The API the dev server forwards to (`npm run dev`); the built app is served
// by jogtrack itself, same origin, so production needs no proxy.
const api = process.env.JOGTRACK_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // jogtrack serves the SPA under /app/ and the API reference at /docs; both
  // pages load their hashed assets from /app/assets/.
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // Assets must be files the binary can embed and serve under one CSP:
    // never data: URLs or inline scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Swagger UI alone is 1.5 MB; it is the docs page's, loaded by nobody else.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        docs: resolve(import.meta.dirname, 'docs.html'),
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/auth', '/users', '/results', '/openapi.json'].map((p) => [p, { target: api }]),
    ),
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
