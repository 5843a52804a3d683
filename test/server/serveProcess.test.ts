/**
 * `npm run serve` as a process: it answers while a run started through its API works (the run executes in a
 * child process), and SIGTERM stops it promptly with the run paused, resumable.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getRun, openStore } from '../../src/engine/store/index.js';
import { resumeLoop } from '../../src/engine/loop/index.js';
import { repoRoot } from '../helpers/shared.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { SMALL_LOOP } from '../engine/loop/loopFixture.js';

const tmp = useTmpDirs();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('npm run serve, as a process', () => {
  it('answers while a run works, and on SIGTERM exits with the run paused and resumable', async () => {
    const ws = tmp();
    const port = 20_000 + (process.pid % 20_000);
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/server/cli.ts'), '--workspace', ws, '--port', String(port)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 300 && !output.includes('press Ctrl-C'); i++) await sleep(50);
      expect(output).toContain(`http://127.0.0.1:${port}/`);
      const call = async (method: string, args: unknown[] = []): Promise<unknown> => {
        const r = await fetch(`http://127.0.0.1:${port}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
        const body = (await r.json()) as { result?: unknown; error?: { message: string } };
        if (!r.ok) throw new Error(`${method}: ${body.error?.message ?? r.status}`);
        return body.result;
      };
      const { runId } = (await call('startRun', [{ ...SMALL_LOOP, rounds: 3, steps: 30 }])) as { runId: string };
      // Wait until the run is into its work, asking the server all along.
      let status = '';
      for (let i = 0; i < 600; i++) {
        const run = (await call('getRun', [runId])) as { run: { status: string }; rounds: unknown[] };
        status = run.run.status;
        if (run.rounds.length > 0) break;
        await sleep(50);
      }
      expect(status).toBe('running');
      const t0 = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const stopMs = Date.now() - t0;
      expect(output).toContain('stopping (a running loop is paused so it can be resumed)');
      // The run's child pauses at its next safe point; the server waited for it (or the child does so on its own).
      const store = openStore({ workspaceDir: ws });
      try {
        for (let i = 0; i < 600 && getRun(store, runId).status === 'running'; i++) await sleep(50);
        expect(getRun(store, runId).status, `stopped after ${stopMs} ms`).toBe('paused');
        const resumed = await resumeLoop(store, runId);
        expect((await resumed.done).status).toBe('completed');
      } finally {
        store.close();
      }
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
