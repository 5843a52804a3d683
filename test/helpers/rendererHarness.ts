/**
 * The renderer on the in-memory FakeApi (test/renderer/harness), built with Vite into a private folder and
 * served on 127.0.0.1, for browser tests and benchmarks that need the viewer but no engine host: no run to
 * wait for, and scenes whose points are known exactly (`?points=N&colour=r,g,b`, see harness.tsx).
 */
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const HARNESS = resolve(dirname(fileURLToPath(import.meta.url)), '../renderer/harness');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Chromium's software WebGL, as the browser tests use it (Debian's /usr/bin/chromium). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'];

export interface ServedHarness {
  /** Base URL ending in '/': append `?query#/route`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Development mode keeps React's development build, which reports key and hook warnings to the console (what
 * tests want); production mode is what a benchmark should time.
 */
export async function serveRendererHarness(mode: 'development' | 'production' = 'development'): Promise<ServedHarness> {
  const outDir = mkdtempSync(join(tmpdir(), 'ouroboros-harness-'));
  await build({
    root: HARNESS,
    mode,
    configFile: false,
    plugins: [react()],
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    build: { outDir, emptyOutDir: true, sourcemap: mode === 'development', minify: mode === 'production' },
  });
  const server = createServer((req, res) => {
    const path = resolve(outDir, `.${decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)}`);
    const inside = path === outDir || path.startsWith(outDir + sep);
    const file = inside && existsSync(path) && !path.endsWith(sep) && extname(path) !== '' ? path : join(outDir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the harness server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
