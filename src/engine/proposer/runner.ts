/** What the pipeline needs from program execution; the QuickJS sandbox implements it. */
import type { ProgramSceneData } from './program/types.js';

export type RunOutcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: string; message: string };

export interface ProgramRunner {
  /** Runs each program body (`scene` in scope) against the scene; one outcome per program, in order. */
  runScene(data: ProgramSceneData, programs: readonly string[]): Promise<RunOutcome[]>;
  dispose(): void;
}
