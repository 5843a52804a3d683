import { describe, expect, it } from 'vitest';
import { createSandboxRunner, startSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import { handData, LIVING_ROOM } from './handScenes.js';

// A busy loop of roughly 10–40 ms of CPU: far past a 1 ms limit, far inside a 5 s one, on any machine.
const SLOW = 'let s = 0; for (let i = 0; i < 300000; i++) s += i % 7; return s;';
const RUNAWAY = 'for (;;) {}';

describe('the pipeline’s sandbox runner', () => {
  it('runs a timed-out program once more under the longer limit, so a loaded machine does not change which questions survive', async () => {
    const runner = await createSandboxRunner({ timeLimitMs: 1, retryTimeLimitMs: 5000 });
    try {
      const out = await runner.runScene(handData(LIVING_ROOM), ['return scene.objects().length;', SLOW, 'return 2;']);
      expect(out).toEqual([{ ok: true, value: LIVING_ROOM.length }, { ok: true, value: 899997 }, { ok: true, value: 2 }]);
    } finally {
      runner.dispose();
    }
  });

  it('rejects a runaway program after the retry, naming the retry’s limit', async () => {
    const runner = await createSandboxRunner({ timeLimitMs: 1, retryTimeLimitMs: 60 });
    try {
      const [out] = await runner.runScene(handData(LIVING_ROOM), [RUNAWAY]);
      expect(out).toMatchObject({ ok: false, kind: 'timeout', message: expect.stringMatching(/60 ms time limit/) });
    } finally {
      runner.dispose();
    }
  });

  it('starts a runner without waiting: disposed when given up before it arrived, and a failure to start surfaces only where awaited', async () => {
    const given = startSandboxRunner();
    given.dispose();
    const runner = await given.ready;
    await expect(runner.runScene(handData(LIVING_ROOM), ['return 1;'])).rejects.toThrow(/disposed/);
    const failing = startSandboxRunner({ stackLimitBytes: 1 });
    // Time for the rejection to be reported as unhandled, which vitest would fail the run on.
    await new Promise((r) => setTimeout(r, 50));
    await expect(failing.ready).rejects.toThrow(/stackLimitBytes/);
    failing.dispose();
  });

  it('scenes asked for together run one after another, each with its own outcomes; a caller works while its batch runs', async () => {
    const runner = await createSandboxRunner();
    try {
      const rooms = [LIVING_ROOM, LIVING_ROOM.slice(0, 2), LIVING_ROOM.slice(0, 1)];
      const all = await Promise.all(rooms.map((r) => runner.runScene(handData(r), ['return scene.objects().length;', SLOW])));
      expect(all).toEqual(rooms.map((r) => [{ ok: true, value: r.length }, { ok: true, value: 899997 }]));
      // The batch is on the engine thread once runScene returns its promise; outcomes come when awaited.
      const running = runner.runScene(handData(LIVING_ROOM), [SLOW]);
      let worked = 0;
      for (let i = 0; i < 1e6; i++) worked += i % 3;
      expect(worked).toBeGreaterThan(0);
      expect(await running).toEqual([{ ok: true, value: 899997 }]);
    } finally {
      runner.dispose();
    }
  });

  it('does not retry when the retry limit is no longer than the first', async () => {
    const runner = await createSandboxRunner({ timeLimitMs: 1, retryTimeLimitMs: 1 });
    try {
      const [out] = await runner.runScene(handData(LIVING_ROOM), [SLOW]);
      expect(out).toMatchObject({ ok: false, kind: 'timeout', message: expect.stringMatching(/1 ms time limit/) });
    } finally {
      runner.dispose();
    }
  });
});
