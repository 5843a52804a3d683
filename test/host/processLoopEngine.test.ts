/**
 * Runs in a child process (processLoopEngine, what browser mode uses): the same rows as in-process, stop pauses,
 * a killed child leaves the run resumable with a message that says so, bad settings come back as InputError.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../src/shared/loop.js';
import { InputError } from '../../src/shared/errors.js';
import { processLoopEngine } from '../../src/engine/host/loopEngine.js';
import { startLoop } from '../../src/engine/loop/index.js';
import { getRun, openStore } from '../../src/engine/store/index.js';
import { runDigest, SMALL_LOOP } from '../engine/loop/loopFixture.js';
import { useTmpDirs } from '../helpers/tmp.js';

const tmp = useTmpDirs();

/** Pids of this process's loop children (loopProcess.ts). */
function loopChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('loopProcess'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('runs in a child process', () => {
  it('end with the same rows as in the host’s process, events forwarded, and the child gone', async () => {
    const ref = openStore({ workspaceDir: tmp() });
    const refRun = await (await startLoop(ref, SMALL_LOOP)).done;

    const store = openStore({ workspaceDir: tmp() });
    const events: LoopEvent[] = [];
    const handle = await processLoopEngine.startLoop(store, SMALL_LOOP, { onEvent: (e) => events.push(e) });
    expect(getRun(store, handle.runId).status).not.toBe('completed');
    const run = await handle.done;
    expect(run.status).toBe('completed');
    expect(runDigest(store, run.id)).toEqual(runDigest(ref, refRun.id));
    expect(events.filter((e) => e.type === 'round')).toHaveLength(SMALL_LOOP.rounds!);
    expect(events.at(-1)).toMatchObject({ type: 'run', status: 'completed' });
    // The child exits right after reporting the end.
    for (let i = 0; i < 100 && loopChildren().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(loopChildren()).toEqual([]);
    ref.close();
    store.close();
  });

  it('pause on stop, and resume in another child', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const controller = new AbortController();
    const handle = await processLoopEngine.startLoop(store, SMALL_LOOP, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'stage' && e.stage === 'solve' && e.phase === 'end') controller.abort();
      },
    });
    expect((await handle.done).status).toBe('paused');
    const resumed = await processLoopEngine.resumeLoop(store, handle.runId, {});
    expect((await resumed.done).status).toBe('completed');
    store.close();
  });

  it('a killed child: the run’s done rejects saying so and that it stays resumable; resuming finishes it', async () => {
    const store = openStore({ workspaceDir: tmp() });
    let killed = false;
    const handle = await processLoopEngine.startLoop(store, SMALL_LOOP, {
      onEvent: (e) => {
        if (!killed && e.type === 'stage' && e.stage === 'train' && e.phase === 'start') {
          killed = true;
          for (const pid of loopChildren()) process.kill(pid, 'SIGKILL');
        }
      },
    });
    await expect(handle.done).rejects.toThrow(`the loop process was killed (SIGKILL); run ${handle.runId} stays resumable from its last completed stage`);
    expect(getRun(store, handle.runId).status).toBe('running');
    const resumed = await processLoopEngine.resumeLoop(store, handle.runId, {});
    expect((await resumed.done).status).toBe('completed');
    store.close();
  });

  it('refuse bad settings with the InputError the loop threw, naming the field', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const e = await processLoopEngine.startLoop(store, { ...SMALL_LOOP, rounds: 0 }, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).problems).toEqual([{ field: 'config.rounds', message: 'expected a whole number in [1, 1000], found 0' }]);
    await expect(processLoopEngine.resumeLoop(store, 'no-such-run', {})).rejects.toThrow(/no run "no-such-run"/);
    store.close();
  });
});
