/**
 * The browser-mode workbench for a test file: the renderer built by electron-vite into a private folder, the
 * engine host over a fresh workspace behind `startWorkbenchServer`, and headless Chromium (Debian's
 * /usr/bin/chromium, software WebGL) with one console rule for every browser test: every console error or
 * warning (bar Chromium's own GPU notices), page error, failed request and HTTP error response is a problem the
 * test it happens in fails on (`expectClean`).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createWorkbenchHost, type WorkbenchHost } from '../../src/engine/host/index.js';
import { startWorkbenchServer, type WorkbenchServer } from '../../src/server/server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM_ARGS = ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'];
export const VIEWPORT = { width: 1600, height: 1000 };
const ARTEFACTS = join(ROOT, 'test-results', 'browser');
const DOCS_SHOTS = join(ROOT, 'docs', 'screenshots');
const UPDATE_DOCS = process.env.UPDATE_SCREENSHOTS === '1';
/** expect.poll waits 1 s by default: too short for API round trips while the rest of the suite shares two cores. */
export const POLL = { timeout: 30_000, interval: 100 };
const CHROMIUM_NOTICES: readonly RegExp[] = [/^\[\.WebGL-[0-9a-fx]+\]GL Driver Message/, /^Automatic fallback to software WebGL has been deprecated/];

export interface BrowserWorkbench {
  tmp: string;
  workspaceDir: string;
  host: WorkbenchHost;
  server: WorkbenchServer;
  browser: Browser;
  page: Page;
  /** Paths of every request the page made, in order (API calls are POST /api/<method>). */
  requests: string[];
  /** Call at the start of each test: problems before it belong to earlier tests. */
  mark(): void;
  /** Ends a test: nothing went wrong in the console, the page, the network or the server since `mark`. */
  expectClean(): Promise<void>;
  /** Browser-side code as text (this project's Node tsconfig has no DOM types). */
  js<T>(code: string): Promise<T>;
  /** Polls a browser-side condition (not waitForFunction: the CSP rightly refuses its eval). */
  until(code: string, timeout?: number): Promise<void>;
  /**
   * The viewport as test-results/browser/<name>.png, and docs/screenshots/<name>.png with UPDATE_SCREENSHOTS=1
   * (unless `docs: false`). The pointer leaves the page first unless the picture is of a hover; `top` scrolls
   * everything back to its top.
   */
  shot(name: string, opts?: { docs?: boolean; hover?: boolean; top?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** `prepare` fills the fresh workspace before the host opens it (a test's runs made by the engine itself). */
export async function openBrowserWorkbench(opts: { prepare?: (workspaceDir: string) => Promise<void> } = {}): Promise<BrowserWorkbench> {
  const tmp = mkdtempSync(join(tmpdir(), 'ouroboros-browser-runs-'));
  const outDir = join(tmp, 'build');
  const bin = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  try {
    await promisify(execFile)(bin, ['build', '--outDir', outDir, '--logLevel', 'error'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`electron-vite build failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
  const problems: string[] = [];
  const notices: string[] = [];
  const requests: string[] = [];
  let mark = 0;
  const workspaceDir = join(tmp, 'workspace');
  await opts.prepare?.(workspaceDir);
  const host = createWorkbenchHost({ workspaceDir, transport: 'http', appVersion: 'e2e', watchIntervalMs: 200 });
  const server = await startWorkbenchServer({ host, port: 0, rendererDir: join(outDir, 'renderer'), log: (m, e) => problems.push(`server: ${m}${e instanceof Error ? `\n${e.stack}` : ''}`) });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('console', (m) => {
    const type = m.type();
    if (type !== 'error' && type !== 'warning') return;
    const text = m.text();
    const url = m.location().url;
    if (type === 'warning' && !url && CHROMIUM_NOTICES.some((r) => r.test(text))) {
      notices.push(text);
      return;
    }
    problems.push(`console.${type}: ${text}${url ? ` (${url}:${m.location().lineNumber})` : ''}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '?';
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.method()} ${r.url()} (${why})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on('crash', () => problems.push('the page crashed'));
  mkdirSync(ARTEFACTS, { recursive: true });
  if (UPDATE_DOCS) mkdirSync(DOCS_SHOTS, { recursive: true });

  const js = <T>(code: string): Promise<T> => page.evaluate(code) as Promise<T>;
  return {
    tmp,
    workspaceDir,
    host,
    server,
    browser,
    page,
    requests,
    mark() {
      mark = problems.length;
    },
    async expectClean() {
      expect(problems.slice(mark), 'console errors / warnings, page errors or failed requests').toEqual([]);
      expect(await page.getByTestId('error-banner').count(), 'error banners on the page').toBe(0);
    },
    js,
    async until(code, timeout = 30_000) {
      const end = Date.now() + timeout;
      while (!(await js<boolean>(code))) {
        if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for: ${code}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async shot(name, o = {}) {
      if (!o.hover) await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2);
      if (o.top) await js(`for (const el of document.querySelectorAll('*')) if (el.scrollTop > 0) el.scrollTop = 0`);
      const png = await page.screenshot();
      writeFileSync(join(ARTEFACTS, `${name}.png`), png);
      if (UPDATE_DOCS && o.docs !== false) writeFileSync(join(DOCS_SHOTS, `${name}.png`), png);
    },
    async close() {
      if (notices.length > 0) console.log(`Chromium's own GPU notices (tolerated):\n  ${[...new Set(notices)].join('\n  ')}`);
      await browser.close();
      await server.close();
      await host.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * `npm run loop` as a child process over the test's workspace (flags as the CLI takes them, `--workspace` and
 * `--quiet` added), to its end; the id of the run it started. Fails the test with the CLI's output otherwise.
 */
export async function runLoopCli(workspaceDir: string, flags: readonly string[]): Promise<string> {
  const args = ['src/engine/cli/loop.ts', ...flags, '--workspace', workspaceDir, '--quiet'];
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code, output).toBe(0);
  const runId = /started run (\S+)/.exec(output)?.[1] ?? '';
  expect(runId, output).not.toBe('');
  return runId;
}
