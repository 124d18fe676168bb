import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './precompress';

// Only the browser-safe domain files are imported (`@uitkomst/domain/metrics` etc.); index.ts pulls node:fs.
const domain = fileURLToPath(new URL('../../libs/domain/src', import.meta.url));

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: { alias: [{ find: /^@uitkomst\/domain\/(.*)$/, replacement: `${domain}/$1.ts` }] },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 900 },
  server: { proxy: { '/api': 'http://localhost:3100', '/geo': 'http://localhost:3100' } },
});
