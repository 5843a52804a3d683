import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchHost, type LoopEngine, type WorkbenchHost } from '../../src/engine/host/index.js';
import { loadLoopEngine } from '../../src/engine/host/loopEngine.js';
import { parseSourceSpec } from '../../src/engine/sources/index.js';
import { createRun, updateRunStatus, type Store } from '../../src/engine/store/index.js';
import { PNG_SIGNATURE } from '../../src/engine/perception/png.js';
import { checkScenePaths } from '../../src/server/scenePaths.js';
import { startWorkbenchServer, type WorkbenchServer } from '../../src/server/server.js';
import { contentSecurityPolicy } from '../../src/engine/host/contentSecurityPolicy.js';
import { ApiError, createHttpClient, type FetchLike } from '../../src/renderer/src/transport/index.js';
import type { WorkbenchApi } from '../../src/shared/api.js';
import type { LoopEvent } from '../../src/shared/loop.js';
import type { RunRecord } from '../../src/shared/records.js';
import { seedWorkspace, type SeededRun } from '../engine/host/fixtures.js';
import { NodeSocket, rawCloseAnswer, Refused, TestWebSocket } from './wsClient.js';

/** A loop that starts its run and pauses when aborted (the real loop is exercised in test/engine/host). */
const engine: LoopEngine = {
  async startLoop(store: Store, input, options) {
    const run = createRun(store, { name: input.name ?? 'scripted', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'test', provider: 'mock' });
    updateRunStatus(store, run.id, 'running');
    options.onEvent?.({ type: 'run', runId: run.id, status: 'running' });
    const done = new Promise<RunRecord>((resolve) =>
      options.signal?.addEventListener('abort', () => {
        const r = updateRunStatus(store, run.id, 'paused');
        options.onEvent?.({ type: 'run', runId: run.id, status: 'paused' });
        resolve(r);
      }),
    );
    return { runId: run.id, done };
  },
  async resumeLoop() {
    throw new Error('not used');
  },
};

let dir: string;
let rendererDir: string;
let seeded: SeededRun;
let host: WorkbenchHost;
let server: WorkbenchServer;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ouroboros-server-'));
  seeded = await seedWorkspace(join(dir, 'ws'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
  host = createWorkbenchHost({ workspaceDir: join(dir, 'ws'), transport: 'http', engine, watchIntervalMs: 0, appVersion: '1.2.3' });
  server = await startWorkbenchServer({ host, port: 0, rendererDir, log: () => {} });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so tests can send the headers a browser or an attacker would (fetch forbids Host). */
function raw(method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const post = (method: string, args: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  raw('POST', `/api/${method}`, { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(args) });

function client(): WorkbenchApi {
  return createHttpClient({ baseUrl: base, fetch: fetch as unknown as FetchLike, socket: (url) => new NodeSocket(url, { Origin: base }) });
}

describe('the HTTP API', () => {
  it('answers calls with {"result"} and the same values the host gives', async () => {
    const r = await post('info', []);
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const { result } = JSON.parse(r.body) as { result: { transport: string; appVersion: string } };
    expect(result).toMatchObject({ transport: 'http', appVersion: '1.2.3' });
    const api = client();
    expect(await api.listScenes()).toEqual(await host.listScenes());
    expect(await api.getRun(seeded.runId)).toEqual(await host.getRun(seeded.runId));
    expect(await api.queryQa({ runId: seeded.runId, limit: 5 })).toEqual(await host.queryQa({ runId: seeded.runId, limit: 5 }));
    expect(await api.stopRun(seeded.runId)).toBeNull();
  });

  it('carries point clouds and images as typed arrays', async () => {
    const api = client();
    const id = seeded.scenes[0]!.id;
    const points = await api.getScenePoints(id, 300);
    const direct = await host.getScenePoints(id, 300);
    expect(points.positions).toBeInstanceOf(Float32Array);
    expect(points.colors).toBeInstanceOf(Uint8Array);
    expect(points.objectIds).toBeInstanceOf(Int32Array);
    expect(points).toEqual(direct);
    const img = await api.getFrameImage(id, 1);
    expect(img.image).toBeInstanceOf(Uint8Array);
    expect(img.mime).toBe('image/png');
    expect(Array.from(img.image.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
    expect(img).toEqual(await host.getFrameImage(id, 1));
    // On the wire: base64 binary fields.
    const wire = JSON.parse((await post('getScenePoints', [id, 2])).body) as { result: { positions: unknown } };
    expect(wire.result.positions).toEqual({ $binary: 'float32', base64: expect.any(String) });
  });

  it('rejects bad arguments with a sentence naming the method, argument and expectation', async () => {
    const r = await post('getScenePoints', [seeded.scenes[0]!.id, 0]);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      error: {
        name: 'InputError',
        code: 'invalid-input',
        message: 'getScenePoints(maxPoints): expected a whole number from 1 to 5000000, found 0',
        problems: [{ field: 'getScenePoints(maxPoints)', message: 'expected a whole number from 1 to 5000000, found 0' }],
      },
    });
    const e = await client()
      .queryQa({ runId: seeded.runId, limit: -1 } as never)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ name: 'InputError', code: 'invalid-input', message: 'queryQa(query).limit: expected a whole number from 1 to 10000, found -1' });
  });

  it('maps failures to statuses: missing records 404, unknown methods 404, wrong verb 405, not JSON 415/400', async () => {
    const missing = await post('getScene', ['synthetic:nope']);
    expect(missing.status).toBe(404);
    expect((JSON.parse(missing.body) as { error: { message: string } }).error.message).toMatch(/no scene "synthetic:nope"/);
    expect((await post('dropTables', [])).status).toBe(404);
    expect((await raw('GET', '/api/info')).status).toBe(405);
    expect((await raw('POST', '/api/info', { headers: { 'Content-Type': 'text/plain' }, body: '[]' })).status).toBe(415);
    const bad = await raw('POST', '/api/info', { headers: { 'Content-Type': 'application/json' }, body: '[1,' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/not valid JSON/);
    expect((await post('getScene', { sceneId: 'x' })).status).toBe(400);
    const huge = await raw('POST', '/api/info', { headers: { 'Content-Type': 'application/json' }, body: `[${'1,'.repeat(600_000)}1]` });
    expect(huge.status).toBe(413);
  });
});

describe('sizes past the stated caps (issue 11, item 1)', () => {
  // The real loop, loaded before the clock starts: its own validation is what answers.
  let realHost: WorkbenchHost;
  let realServer: WorkbenchServer;
  beforeAll(async () => {
    realHost = createWorkbenchHost({ workspaceDir: join(dir, 'ws-real'), transport: 'http', engine: await loadLoopEngine(), watchIntervalMs: 0 });
    realServer = await startWorkbenchServer({ host: realHost, port: 0, rendererDir, log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await realServer?.close();
    await realHost?.close();
  });

  it('answers startRun with a billion synthetic scenes 400 within a second, naming the field and the cap', async () => {
    // Without the cap the server would generate the scenes on this very thread: fail here instead of hanging.
    expect(() => parseSourceSpec('synthetic:1000000000')).toThrow(/at most/);
    const t0 = performance.now();
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: realServer.port, method: 'POST', path: '/api/startRun', headers: { 'Content-Type': 'application/json' }, timeout: 5000 },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('startRun did not answer within 5 s')));
      req.on('error', reject);
      req.end(JSON.stringify([{ name: 'huge', scenes: ['synthetic:1000000000'] }]));
    });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.status).toBe(400);
    const { error } = JSON.parse(r.body) as { error: { name: string; message: string } };
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/^config\.scenes\[0\]: .*"synthetic:1000000000": at most 10000 synthetic scenes per source: .*memory/);
    expect(await realHost.listRuns()).toEqual([]);
  });
});

describe('scene paths in browser mode (issue 11, item 5)', () => {
  it('reads scene files only inside the workspace and the allowed folders, without quoting the refused file', async () => {
    const ws = join(dir, 'ws-paths');
    const allowed = join(dir, 'allowed');
    mkdirSync(ws, { recursive: true });
    mkdirSync(allowed, { recursive: true });
    writeFileSync(join(allowed, 'room.ply'), 'ply\n');
    symlinkSync('/etc', join(ws, 'etc-link'));
    const dirs = [ws, allowed];
    expect(() => checkScenePaths({ scenes: ['synthetic:4', 'vsibench:builtin?part=train', `ply:${join(allowed, 'room.ply')}`, `ply:${join(ws, 'later.ply')}`] }, dirs)).not.toThrow();
    expect(() => checkScenePaths({ scenes: ['synthetic:4'], heldoutScenes: ['ply:/etc/passwd'] }, dirs)).toThrow(/^config\.heldoutScenes\[0\]: browser mode reads scene files only inside/);
    // Climbing out with .. and escaping through a link inside the workspace are both refused.
    expect(() => checkScenePaths({ scenes: [`ply:${join(allowed, '..', '..', 'etc', 'passwd')}`] }, dirs)).toThrow(/outside them/);
    expect(() => checkScenePaths({ scenes: [`ply:${join(ws, 'etc-link', 'passwd')}`] }, dirs)).toThrow(/outside them/);

    const host = createWorkbenchHost({ workspaceDir: ws, transport: 'http', engine: await loadLoopEngine(), watchIntervalMs: 0 });
    const guarded = await startWorkbenchServer({ host, port: 0, rendererDir, log: () => {}, allowedDirs: dirs });
    try {
      const r = await new Promise<Reply>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: guarded.port, method: 'POST', path: '/api/startRun', headers: { 'Content-Type': 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify([{ name: 'peek', scenes: ['ply:/etc/passwd'] }]));
      });
      expect(r.status).toBe(400);
      expect(r.body).toContain('--allow-dir');
      expect(r.body).not.toContain('root:');
      expect(await host.listRuns()).toEqual([]);
    } finally {
      await guarded.close();
      await host.close();
    }
  }, 60_000);
});

describe('DNS-rebinding and cross-site protection', () => {
  it('refuses a Host that is not this server, on pages, the API and the WebSocket', async () => {
    for (const r of [await raw('GET', '/', { headers: { Host: 'evil.example' } }), await post('info', [], { Host: `evil.example:${server.port}` })]) {
      expect(r.status).toBe(403);
      expect(r.body).toMatch(/DNS-rebinding protection/);
    }
    const ws = await TestWebSocket.open(`${base}/api/events`, { Host: 'rebound.example' }).catch((e: unknown) => e);
    expect(ws).toBeInstanceOf(Refused);
    expect((ws as Refused).status).toBe(403);
  });

  it('refuses other origins and accepts its own under every loopback name', async () => {
    const r = await post('info', [], { Origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/"https:\/\/evil.example" are not allowed/);
    expect((await post('info', [], { Origin: `http://localhost:${server.port}`, Host: `localhost:${server.port}` })).status).toBe(200);
    expect((await post('info', [], { Origin: base })).status).toBe(200);
    const ws = await TestWebSocket.open(`${base}/api/events`, { Origin: 'http://evil.example' }).catch((e: unknown) => e);
    expect((ws as Refused).status).toBe(403);
  });
});

describe('pages', () => {
  it('serves the renderer with the strict CSP and hardening headers', async () => {
    const page = await raw('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>app</title>');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toBe(contentSecurityPolicy({ connect: [`ws://127.0.0.1:${server.port}`, `ws://localhost:${server.port}`] }));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await raw('GET', '/assets/index-abc.js');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await raw('GET', '/runs/abc')).body).toContain('<title>app</title>');
    expect((await post('info', [])).headers['content-security-policy']).toBe(csp);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const r = await raw('GET', path);
      expect(r.status, path).not.toBe(200);
      expect(r.body).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('says how to build the renderer when it is missing', async () => {
    const other = await startWorkbenchServer({ host, port: 0, rendererDir: join(dir, 'nothing-here'), log: () => {} });
    try {
      const res = await fetch(other.url);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build');
    } finally {
      await other.close();
    }
  });
});

describe('the event WebSocket', () => {
  it('completes the RFC 6455 handshake, pushes loop events, answers ping and close', async () => {
    const ws = await TestWebSocket.open(`${base}/api/events`, { Origin: base });
    expect(ws.headers.upgrade).toBe('websocket');
    expect(ws.headers['sec-websocket-protocol']).toBeUndefined();
    ws.ws.ping(Buffer.from('hi'));
    await ws.until(() => ws.frames.some((f) => f.opcode === 0xa));
    expect(ws.frames.find((f) => f.opcode === 0xa)!.payload.toString()).toBe('hi');
    ws.ws.send('ignored');

    const { runId } = await client().startRun({ name: 'over http' });
    await ws.until(() => ws.texts().length >= 1);
    expect(JSON.parse(ws.texts()[0]!)).toEqual({ type: 'run', runId, status: 'running' });
    await client().stopRun(runId);
    await ws.until(() => ws.texts().length >= 2);
    expect(JSON.parse(ws.texts()[1]!)).toEqual({ type: 'run', runId, status: 'paused' });

    ws.ws.close(1000);
    await ws.until(() => ws.ended);
    const close = ws.frames.find((f) => f.opcode === 0x8)!;
    expect(close.payload.readUInt16BE(0)).toBe(1000);
  });

  it('closes on unmasked client frames (protocol error 1002)', async () => {
    const ws = await TestWebSocket.open(`${base}/api/events`);
    ws.ws.send('x', { mask: false });
    await ws.until(() => ws.frames.some((f) => f.opcode === 0x8));
    expect(ws.frames.find((f) => f.opcode === 0x8)!.payload.readUInt16BE(0)).toBe(1002);
    ws.destroy();
  });

  it('closes on client messages over 64 KiB (1009)', async () => {
    const ws = await TestWebSocket.open(`${base}/api/events`);
    ws.ws.send(Buffer.alloc(64 * 1024 + 1));
    await ws.until(() => ws.ended);
    expect(ws.frames.find((f) => f.opcode === 0x8)!.payload.readUInt16BE(0)).toBe(1009);
    // At the limit is fine.
    const ok = await TestWebSocket.open(`${base}/api/events`);
    ok.ws.send(Buffer.alloc(64 * 1024));
    ok.ws.ping(Buffer.from('still there'));
    await ok.until(() => ok.frames.some((f) => f.opcode === 0xa));
    expect(ok.ended).toBe(false);
    ok.destroy();
  });

  it('answers a close frame with an invalid code or body with a protocol error, and echoes valid codes (issue 11, item 10)', async () => {
    const answer = async (payload: Buffer): Promise<number> => (await rawCloseAnswer(`${base}/api/events`, payload)).readUInt16BE(0);
    const code = (n: number, reason = Buffer.alloc(0)): Buffer => Buffer.concat([Buffer.from([n >> 8, n & 0xff]), reason]);
    for (const bad of [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]) expect(await answer(code(bad)), `code ${bad}`).toBe(1002);
    expect(await answer(Buffer.from([0x03]))).toBe(1002);
    expect(await answer(code(1000, Buffer.from([0xff, 0xfe])))).toBe(1007);
    for (const good of [1000, 1001, 1003, 1007, 1011, 1014, 3000, 4999]) {
      const ws = await TestWebSocket.open(`${base}/api/events`);
      ws.ws.close(good, 'bye');
      await ws.until(() => ws.ended);
      expect(ws.frames.find((f) => f.opcode === 0x8)!.payload.readUInt16BE(0), `code ${good}`).toBe(good);
    }
    // A close without a code is answered by one without a code (RFC 6455 §5.5.1 allows an empty body).
    expect((await rawCloseAnswer(`${base}/api/events`, Buffer.alloc(0))).length).toBe(0);
  });

  it('refuses malformed handshakes and plain GETs', async () => {
    const r = await raw('GET', '/api/events', { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '8', 'Sec-WebSocket-Key': 'abc' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/Sec-WebSocket-Version: 13/);
    expect((await raw('GET', '/api/events')).status).toBe(426);
  });

  it('answers RFC 6455’s own example key with the example’s accept value', async () => {
    const accept = await new Promise<string | undefined>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        path: '/api/events',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.headers['sec-websocket-accept']);
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('feeds the renderer client’s subscribe, which unsubscribes cleanly', async () => {
    const api = client();
    const events: LoopEvent[] = [];
    const unsubscribe = api.subscribe((e) => events.push(e));
    await new Promise((r) => setTimeout(r, 200)); // the socket connects
    const { runId } = await api.startRun({ name: 'watched' });
    await api.stopRun(runId);
    const end = Date.now() + 10_000;
    while (events.filter((e) => e.runId === runId).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.runId === runId).map((e) => (e.type === 'run' ? e.status : e.type))).toEqual(['running', 'paused']);
    unsubscribe();
  });
});
