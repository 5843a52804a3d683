/**
 * The sandbox's public contract. Program and prelude shapes: CONTEXT.md beside this file.
 */
import type { JsonValue } from '../../../shared/records.js';

export type { JsonValue };

/**
 * Why a program produced no answer.
 * - `timeout`: it ran past its time limit (also when stuck in a built-in the engine cannot interrupt).
 * - `memory`: it exceeded the memory limit, the stack limit (recursion or nesting too deep) or the engine's
 *   maximum string length.
 * - `syntax`: it does not compile (or is longer than `maxProgramChars`).
 * - `runtime`: it threw an Error (including errors from the scene API and from disabled built-ins).
 * - `bad-return`: it returned something that is not plain JSON (undefined, a function, NaN, a cycle, a getter, …).
 * - `non-error-throw`: it threw something that is not an Error (`throw 42`, `throw {x: 1}`, `throw null`).
 */
export type FailureKind = 'timeout' | 'memory' | 'syntax' | 'runtime' | 'bad-return' | 'non-error-throw';

export type ProgramOutcome =
  | { ok: true; value: JsonValue; /** Wall time of this program inside the sandbox. */ ms: number }
  | {
      ok: false;
      kind: FailureKind;
      /** One human-readable sentence, e.g. "program exceeded its 50 ms time limit". */
      message: string;
      /** 1-based line in the program source, for syntax and runtime errors when the engine reports one. */
      line?: number;
      ms: number;
    };

/**
 * A program: its source, the body of `function (scene) { … }`; or a source with JSON arguments, the body of
 * `function (scene, args) { … }`. One source serving many questions through `args` is compiled once per
 * context, which makes it several times cheaper than distinct sources (see CONTEXT.md › Performance).
 */
export type ProgramInput = string | { source: string; args: JsonValue };

export interface SandboxOptions {
  /** QuickJS heap limit per context (scene data, prelude and programs together). Default 32 MiB. */
  memoryLimitBytes?: number;
  /** Per program, compile + run + reading the answer. Default 50 ms. */
  timeLimitMs?: number;
  /** QuickJS stack limit per context, 32 KiB … 4 MiB. Default 256 KiB (≈ 1,400 plain recursive calls). */
  stackLimitBytes?: number;
  /** Largest accepted answer, in characters of JSON. Default 65,536. */
  maxResultChars?: number;
  /** Longer programs are refused without being compiled. Default 100,000 characters. */
  maxProgramChars?: number;
  /** Opening a context (prelude + scene data). Default 2,000 ms. */
  openTimeLimitMs?: number;
  /**
   * How far past a deadline the engine thread may be before it is considered stuck (inside a built-in that
   * cannot be interrupted, e.g. `Array(2**32 - 1).includes(1)`) and is replaced. Default 1,000 ms.
   */
  watchdogGraceMs?: number;
}

export interface Sandbox {
  /**
   * Evaluates the trusted `prelude` (the body of `function (data) { …; return api; }`) with `data` parsed from
   * JSON in a fresh, locked-down QuickJS context. Throws `SandboxError` when the prelude fails.
   */
  openContext(prelude: string, data: unknown): SandboxContext;
  /**
   * `openContext(prelude, data).startBatch(programs)` with the context closed once the outcomes are taken, and
   * without waiting for the context to open: the open and the batch go to the engine thread together, and a
   * prelude that fails makes the returned function throw that SandboxError. For one batch per scene.
   */
  startScene(prelude: string, data: unknown, programs: readonly ProgramInput[]): () => ProgramOutcome[];
  /** Ends the engine thread; every context of this sandbox becomes unusable. */
  dispose(): void;
}

export interface SandboxContext {
  /** Runs one program. */
  run(program: ProgramInput): ProgramOutcome;
  /** Runs programs in order, one outcome each; one failing program never affects another. */
  runBatch(programs: readonly ProgramInput[]): ProgramOutcome[];
  /**
   * `runBatch`, split: sends the programs to the engine thread and returns at once, so the caller can work while
   * they run; the returned function blocks until their outcomes are in. The sandbox takes no other request (no
   * other batch, no context opened) until it is called.
   */
  startBatch(programs: readonly ProgramInput[]): () => ProgramOutcome[];
  dispose(): void;
}

/** The sandbox itself failed (a prelude that does not load, an engine that cannot start): not a program verdict. */
export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxError';
  }
}
