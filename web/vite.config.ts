// Multi-page Vite build of the SPA (plain TypeScript, no framework). `npm run web` serves it on 5173 and
// proxies /v1 to the API on 127.0.0.1:3000; `npm run web:build` writes web/dist, which the API serves.
// The client package is compiled from its sources (packages/client/src), so there is one copy of it.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
const pages = ['index', 'register', 'reset', 'callback', 'profile', 'security', 'sessions', 'delete', 'active'];

export default defineConfig({
  root,
  resolve: { alias: { '@nest-auth-cn/client': resolve(root, '../packages/client/src/index.ts') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: Object.fromEntries(pages.map((p) => [p, resolve(root, `${p}.html`)])) },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
