/**
 * The desktop build. Builds the app into a scratch folder (inside node_modules, so the bundles resolve their
 * dependencies as out/ does), then:
 *  - runs the bundled engine host (out/main/hostProcess.js) with a stand-in for Electron's parent port, which
 *    checks what Electron would load: bundle imports, the sandbox worker files beside it, the message protocol;
 *  - runs the bundled proposal worker (the loop's, proposing rounds ahead) from where the bundle looks for it;
 *  - launches the app with playwright-core's Electron driver and calls `window.workbench.info()`, when an
 *    Electron binary and a display exist (skipped with the reason printed otherwise).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { displayProblem, findElectronBinary } from '../../src/server/electronBinary.js';
import { readStatic } from '../../src/server/staticFiles.js';
import { WINDOW_ICON_SIZE, WINDOW_ICON_SOURCE, windowIconPath } from '../../src/main/appIcon.js';
import type { FromHost, ToHost } from '../../src/main/hostProtocol.js';
import { API_VERSION } from '../../src/shared/api.js';
import type { AheadReply, AheadRequest } from '../../src/engine/loop/ahead.js';
import { runProposalRound } from '../../src/engine/proposer/pipeline.js';
import { prepareScene } from '../../src/engine/proposer/prepare.js';
import { uniformRequests } from '../../src/engine/proposer/requests.js';
import { createSandboxRunner } from '../../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../../src/engine/sources/synthetic.js';
import { repoRoot } from '../helpers/shared.js';
import { seedWorkspace, type SeededRun } from '../engine/host/fixtures.js';

const outDir = join(repoRoot, 'node_modules', '.cache', 'ouroboros-electron-test');
let workspace: string;
let seeded: SeededRun;

beforeAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  const r = spawnSync(join(repoRoot, 'node_modules', '.bin', 'electron-vite'), ['build', '--outDir', outDir, '--logLevel', 'warn'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
  // The app folder Electron is pointed at: ESM bundles (type: module), its name and version for app.getVersion().
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', main: 'main/index.js' }));
  workspace = mkdtempSync(join(tmpdir(), 'ouroboros-electron-'));
  seeded = await seedWorkspace(workspace);
}, 180_000);

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

describe('the bundled engine host process', () => {
  it('answers calls, reports errors as payloads, runs sandboxed programs and shuts down', async () => {
    const handlers: ((e: { data: ToHost }) => void)[] = [];
    const received: FromHost[] = [];
    // Electron gives a utility process `process.parentPort`; the bundle only uses on('message') and postMessage.
    (process as unknown as { parentPort: unknown }).parentPort = {
      on: (_event: 'message', fn: (e: { data: ToHost }) => void) => handlers.push(fn),
      postMessage: (m: FromHost) => received.push(m),
    };
    await import(pathToFileURL(join(outDir, 'main', 'hostProcess.js')).href);
    const send = (m: ToHost): void => handlers.forEach((h) => h({ data: m }));
    const reply = async (id: number): Promise<Extract<FromHost, { type: 'reply' }>['reply']> => {
      const end = Date.now() + 30_000;
      for (;;) {
        const r = received.find((m): m is Extract<FromHost, { type: 'reply' }> => m.type === 'reply' && m.id === id);
        if (r) return r.reply;
        if (Date.now() > end) throw new Error(`no reply to call ${id}`);
        await new Promise((res) => setTimeout(res, 10));
      }
    };

    send({ type: 'init', workspaceDir: workspace, readonly: true, appVersion: '7.7.7' });
    expect(received).toContainEqual({ type: 'ready' });
    send({ type: 'call', id: 1, method: 'info', args: [] });
    expect(await reply(1)).toMatchObject({ ok: true, value: { apiVersion: API_VERSION, transport: 'ipc', appVersion: '7.7.7', writable: false } });
    send({ type: 'call', id: 2, method: 'getScenePoints', args: [seeded.scenes[0]!.id, 100] });
    const points = await reply(2);
    expect(points.ok && (points.value as { positions: unknown }).positions).toBeInstanceOf(Float32Array);
    send({ type: 'call', id: 3, method: 'getScenePoints', args: [seeded.scenes[0]!.id, -5] });
    expect(await reply(3)).toEqual({
      ok: false,
      error: expect.objectContaining({ name: 'InputError', message: 'getScenePoints(maxPoints): expected a whole number from 1 to 5000000, found -5' }),
    });
    // The QuickJS worker must have been emitted beside the bundle for this to run.
    send({ type: 'call', id: 4, method: 'rerunProgram', args: [seeded.accepted[0]] });
    expect(await reply(4)).toMatchObject({ ok: true, value: { ok: true, matchesStored: true } });

    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      send({ type: 'shutdown' });
      const end = Date.now() + 15_000;
      while (!exit.mock.calls.length && Date.now() < end) await new Promise((res) => setTimeout(res, 10));
      expect(received.at(-1)).toEqual({ type: 'closed' });
      expect(exit).toHaveBeenCalledWith(0);
    } finally {
      exit.mockRestore();
    }
  });
});

describe("the bundle's proposal worker (src/engine/loop/ahead.ts)", () => {
  it('sits beside every bundle file that starts it, and proposes what the sources propose', async () => {
    const main = join(outDir, 'main');
    const starters = [...readdirSync(main), ...readdirSync(join(main, 'chunks')).map((f) => join('chunks', f))].filter(
      (f) => f.endsWith('.js') && readFileSync(join(main, f), 'utf8').includes('./proposalWorker.js'),
    );
    expect(starters.length).toBeGreaterThan(0);
    for (const f of starters) expect(existsSync(join(main, dirname(f), 'proposalWorker.js')), `proposalWorker.js beside ${f}`).toBe(true);

    const scenes = generateSyntheticScenes(2, 21);
    const input = { requests: uniformRequests(scenes.map((s) => s.id), 2, ['object_counting', 'route_planning']), seed: 9 };
    const entry = pathToFileURL(join(main, 'proposalWorker.js'));
    const worker = new Worker(entry, { workerData: { entry: entry.href, scenes } });
    try {
      const reply = await new Promise<AheadReply>((res, rej) => {
        worker.once('message', res);
        worker.once('error', rej);
        worker.postMessage({ id: 1, ...input } satisfies AheadRequest);
      });
      const runner = await createSandboxRunner();
      const inline = await runProposalRound({ scenes: scenes.map((s) => prepareScene(s)), ...input, runner });
      runner.dispose();
      expect(reply.ok ? reply.qa : reply.message).toEqual(inline.qa);
    } finally {
      await worker.terminate();
    }
  });
});

describe("the built app's icons", () => {
  it('the window icon sits beside the main bundle, and browser mode serves the favicon the page links', () => {
    // The path main/index.js hands BrowserWindow, resolved from the bundle's folder as it is at run time.
    const icon = readFileSync(windowIconPath(join(outDir, 'main')));
    expect(icon.equals(readFileSync(join(repoRoot, WINDOW_ICON_SOURCE)))).toBe(true);
    const png = PNG.sync.read(icon);
    expect([png.width, png.height]).toEqual([WINDOW_ICON_SIZE, WINDOW_ICON_SIZE]);

    const html = readFileSync(join(outDir, 'renderer', 'index.html'), 'utf8');
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    const href = /<link rel="icon" type="image\/png" href="([^"]+)"/.exec(html)?.[1];
    expect(href, 'the built page links an icon').toMatch(/^\.?\/assets\/[^/]+\.png$/);
    const served = readStatic(join(outDir, 'renderer'), href!.replace(/^\./, ''));
    expect(served.status).toBe(200);
    if (served.status !== 200) return;
    expect(served.type).toBe('image/png');
    const favicon = PNG.sync.read(served.body);
    expect([favicon.width, favicon.height]).toEqual([256, 256]);
  });
});

const electron = findElectronBinary();
const cannotLaunch = electron.ok ? displayProblem() : electron.reason;
if (cannotLaunch) console.warn(`skipping the Electron window test: ${cannotLaunch}`);

describe.skipIf(cannotLaunch !== undefined)('the Electron app', () => {
  it('opens its window, and window.workbench answers info()', async () => {
    const { _electron } = await import('playwright-core');
    const home = mkdtempSync(join(tmpdir(), 'ouroboros-electron-home-'));
    mkdirSync(home, { recursive: true });
    const app = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: [outDir, `--workspace=${workspace}`, '--readonly'],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } as Record<string, string>,
      timeout: 60_000,
    });
    try {
      const win = await app.firstWindow();
      await win.waitForLoadState('domcontentloaded');
      expect(await win.title()).toBe('Ouroboros Workbench');
      const info = await win.evaluate(() => (globalThis as unknown as { workbench: { info(): Promise<unknown> } }).workbench.info());
      expect(info).toMatchObject({ apiVersion: API_VERSION, transport: 'ipc', workspaceDir: workspace, writable: false });
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
