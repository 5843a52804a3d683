import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { aheadByDefault, ProposalAhead, proposalWorkerEntry } from '../../../src/engine/loop/ahead.js';
import { defaultThreads } from '../../../src/engine/solver/solver.js';
import { resumeLoop, startLoop } from '../../../src/engine/loop/index.js';
import { runProposalRound } from '../../../src/engine/proposer/pipeline.js';
import { prepareScene } from '../../../src/engine/proposer/prepare.js';
import { uniformRequests } from '../../../src/engine/proposer/requests.js';
import { createSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';
import { listRounds, openStore, type Store } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP, runDigest } from './loopFixture.js';

const tmp = useTmpDirs();
const LOOP = { ...SMALL_LOOP, rounds: 3 };

async function run(store: Store, proposeAhead: boolean, signal?: AbortSignal, onEvent?: (e: LoopEvent) => void) {
  const events: LoopEvent[] = [];
  const handle = await startLoop(store, LOOP, { proposeAhead, ...(signal ? { signal } : {}), onEvent: (e) => (events.push(e), onEvent?.(e)) });
  return { run: await handle.done, events };
}

const aheadRounds = (events: LoopEvent[]): number[] =>
  events.flatMap((e) => (e.type === 'stage' && e.stage === 'propose' && e.phase === 'end' && /proposed ahead on a worker thread/.test(e.detail ?? '') ? [e.round] : []));

describe('proposing rounds ahead on a worker thread', () => {
  it('is on by default only where a core is free for it', () => {
    const cores = availableParallelism();
    expect(aheadByDefault({ executionProvider: 'cuda', threads: 0 })).toBe(true);
    expect(aheadByDefault({ executionProvider: 'cpu', threads: cores })).toBe(false);
    expect(aheadByDefault({ executionProvider: 'cpu', threads: 1 })).toBe(cores > 1);
    expect(aheadByDefault({ executionProvider: 'cpu', threads: 0 })).toBe(cores > defaultThreads());
  });

  it('the worker entry is found from the sources', () => {
    const at = proposalWorkerEntry();
    expect(at?.entry).toMatch(/proposalWorker\.ts$/);
    expect(at?.url.pathname).toMatch(/moduleWorker\.mjs$/);
  });

  it('gives the very questions the pipeline gives on the calling thread, and refuses other input', async () => {
    const scenes = generateSyntheticScenes(3, 11);
    const input = { requests: uniformRequests(scenes.map((s) => s.id), 2, ['object_counting', 'object_abs_distance', 'route_planning']), seed: 5 };
    const ahead = new ProposalAhead(() => scenes);
    ahead.start(0, input);
    ahead.start(1, { ...input, seed: 6 });
    const runner = await createSandboxRunner();
    try {
      const inline = await runProposalRound({ scenes: scenes.map((s) => prepareScene(s)), ...input, runner });
      const got = await ahead.take(0, input)!;
      expect(inline.qa.length).toBeGreaterThan(10);
      expect(got.qa).toEqual(inline.qa);
      expect(got.ms).toBeGreaterThan(0);
      // Taken once: a second take proposes inline.
      expect(ahead.take(0, input)).toBeUndefined();
      await expect(ahead.take(1, input)!).rejects.toThrow(/round 1 was proposed ahead from other requests/);
      expect(ahead.take(2, input)).toBeUndefined();
    } finally {
      runner.dispose();
      await ahead.dispose();
    }
    // Disposed: nothing more is proposed, and asking says why.
    ahead.start(3, input);
    await expect(ahead.take(3, input)!).rejects.toThrow(/proposing ahead stopped/);
  });

  it("a failure on the worker is reported with the worker's message", async () => {
    const [scene] = generateSyntheticScenes(1, 12);
    // A scene no preparation can read: it has no object list.
    const broken = { ...scene!, objects: null } as unknown as typeof scene;
    const ahead = new ProposalAhead(() => [broken!]);
    const input = { requests: uniformRequests([scene!.id], 1, ['object_counting']), seed: 1 };
    ahead.start(0, input);
    await expect(ahead.take(0, input)!).rejects.toThrow(/the proposal worker failed: .+/);
    await ahead.dispose();
  });

  it('a run proposing ahead stores what a run without it stores, and says which rounds came from the worker', async () => {
    const a = openStore({ workspaceDir: tmp() });
    const b = openStore({ workspaceDir: tmp() });
    const off = await run(a, false);
    const on = await run(b, true);
    expect(on.run.status).toBe('completed');
    expect(runDigest(b, on.run.id)).toEqual(runDigest(a, off.run.id));
    expect(aheadRounds(on.events)).toEqual([0, 1, 2]);
    expect(aheadRounds(off.events)).toEqual([]);
    a.close();
    b.close();
  }, 120_000);

  it('a run stopped with a round proposed ahead and resumed without the worker ends as an uninterrupted run', async () => {
    const ref = openStore({ workspaceDir: tmp() });
    const refRun = (await run(ref, false)).run;
    const store = openStore({ workspaceDir: tmp() });
    const controller = new AbortController();
    // Stopped while round 0 trains: round 1 was started on the worker after round 0's decision, and is lost.
    const stopped = await run(store, true, controller.signal, (e) => {
      if (e.type === 'progress' && e.stage === 'train' && e.round === 0) controller.abort();
    });
    expect(stopped.run.status).toBe('paused');
    expect(listRounds(store, stopped.run.id).map((r) => r.stage)).toEqual(['control']);
    const events: LoopEvent[] = [];
    const resumed = await (await resumeLoop(store, stopped.run.id, { proposeAhead: false, onEvent: (e) => events.push(e) })).done;
    expect(resumed.status).toBe('completed');
    expect(aheadRounds(events)).toEqual([]);
    expect(runDigest(store, resumed.id)).toEqual(runDigest(ref, refRun.id));
    ref.close();
    store.close();
  }, 120_000);
});
