/** The pipeline's ProgramRunner on the QuickJS sandbox: one locked-down context per scene, programs in a batch. */
import type { ProgramSceneData } from './program/types.js';
import { sceneApiPrelude } from './program/sceneApi.js';
import type { ProgramCall, ProgramOutcome, ProgramRunner } from './runner.js';
import { createSandbox } from './sandbox/index.js';
import type { ProgramInput, Sandbox, SandboxContext, SandboxOptions } from './sandbox/index.js';

/** The sandbox prelude: the scene API's own source, instantiated on the scene data. */
const PRELUDE = `${sceneApiPrelude()}\nreturn createSceneApi(data);`;

export interface SandboxRunnerOptions extends SandboxOptions {
  /**
   * A program that times out is run once more, alone, under this longer limit before it is rejected. The time limit
   * is wall-clock, so on a loaded machine (CI's parallel test workers, a busy workstation) a program that needs 20 ms
   * of CPU can miss 50 ms; without the retry the same seed would keep a question on a quiet machine and reject it on
   * a busy one, and the loop's results would depend on the load. A runaway program costs this much more time, once.
   * Default 1,000 ms.
   */
  retryTimeLimitMs?: number;
}

export async function createSandboxRunner(options: SandboxRunnerOptions = {}): Promise<ProgramRunner> {
  const { retryTimeLimitMs = 1000, ...sandboxOptions } = options;
  const sandbox = await createSandbox(sandboxOptions);
  let patient: Promise<Sandbox> | undefined;
  const outcomeOf = (o: ReturnType<SandboxContext['run']>): ProgramOutcome => (o.ok ? { ok: true, value: o.value } : { ok: false, kind: o.kind, message: o.message });
  const run = (box: Sandbox, data: ProgramSceneData, programs: readonly ProgramCall[]): ProgramOutcome[] => box.startScene(PRELUDE, data, programs as ProgramInput[])().map(outcomeOf);
  // The scene whose batch is on the engine thread; a second scene asked for meanwhile waits for it.
  let inFlight: Promise<unknown> | undefined;
  return {
    async runScene(data: ProgramSceneData, programs: readonly ProgramCall[]): Promise<ProgramOutcome[]> {
      if (programs.length === 0) return [];
      while (inFlight) await inFlight;
      // The scene and its batch are sent now and the outcomes taken only once the caller awaits them: a caller
      // that does other work before that (the pipeline's scene filters) works while the engine thread runs them.
      const take = sandbox.startScene(PRELUDE, data, programs as ProgramInput[]);
      let outcomes: ProgramOutcome[];
      let done = (): void => undefined;
      inFlight = new Promise<void>((resolve) => (done = resolve));
      try {
        await Promise.resolve();
        outcomes = take().map(outcomeOf);
      } finally {
        inFlight = undefined;
        done();
      }
      const late = outcomes.flatMap((o, i) => (!o.ok && o.kind === 'timeout' ? [i] : []));
      if (late.length === 0 || retryTimeLimitMs <= (sandboxOptions.timeLimitMs ?? 50)) return outcomes;
      patient ??= createSandbox({ ...sandboxOptions, timeLimitMs: retryTimeLimitMs });
      const retried = run(await patient, data, late.map((i) => programs[i]!));
      late.forEach((i, k) => (outcomes[i] = retried[k]!));
      return outcomes;
    },
    dispose: () => {
      sandbox.dispose();
      void patient?.then((p) => p.dispose());
    },
  };
}

/** A runner whose engine thread starts now, while the caller does other work; see `startSandboxRunner`. */
export interface StartingRunner {
  /** The runner once started; rejects as `createSandboxRunner` would. */
  ready: Promise<ProgramRunner>;
  /** Disposes the runner whenever it arrives (or drops its failure to start): for a caller done with it, or that gave up before using it. */
  dispose(): void;
}

/**
 * Starts a runner (~0.4 s, on its own thread) without waiting for it. A failure to start surfaces where `ready` is
 * awaited, never as an unhandled rejection in between; a caller that gives up first calls `dispose()`.
 */
export function startSandboxRunner(options: SandboxRunnerOptions = {}): StartingRunner {
  const ready = createSandboxRunner(options);
  ready.catch(() => undefined);
  return { ready, dispose: () => void ready.then((r) => r.dispose(), () => undefined) };
}
