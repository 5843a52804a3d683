/**
 * The built renderer (out/renderer, from `npm run build`) served as files. Paths are resolved inside that
 * folder and anything that would leave it is refused; paths without a file extension get index.html, so a
 * reload on a view's address still opens the app.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export type StaticResult = { status: 200; type: string; body: Buffer; immutable: boolean } | { status: 404 | 400; message: string };

export function rendererBuilt(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

export function readStatic(root: string, urlPath: string): StaticResult {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return { status: 400, message: 'malformed path' };
  }
  if (path.includes('\0')) return { status: 400, message: 'malformed path' };
  const base = resolve(root);
  const wanted = extname(path) === '' ? '/index.html' : path;
  const file = resolve(base, `.${wanted.startsWith('/') ? wanted : `/${wanted}`}`);
  if (file !== base && !file.startsWith(base + sep)) return { status: 404, message: 'not found' };
  if (!existsSync(file) || !statSync(file).isFile()) return { status: 404, message: `not found: ${path}` };
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Vite names built assets by content hash, so they never change under the same name.
  return { status: 200, type, body: readFileSync(file), immutable: file.startsWith(join(base, 'assets') + sep) };
}
