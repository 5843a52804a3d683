/** What the pipeline needs from program execution; the QuickJS sandbox implements it. */
import type { ProgramSceneData } from './program/types.js';

export type ProgramOutcome =
  | { ok: true; value: unknown }
  | { ok: false; kind: string; message: string };

/** A program body, alone (`scene` in scope) or with JSON arguments (`scene` and `args` in scope). */
export type ProgramCall = string | { source: string; args: Record<string, unknown> };

export interface ProgramRunner {
  /** Runs each program against the scene; one outcome per program, in order. */
  runScene(data: ProgramSceneData, programs: readonly ProgramCall[]): Promise<ProgramOutcome[]>;
  dispose(): void;
}
