/**
 * Re-running a stored question's program in the QuickJS sandbox against the stored scene: the user's check that
 * an answer really follows from the scene. The program runs exactly as the proposer ran it: the same scene
 * preparation (visibility, distance table) and the same arguments, which the loop stores in `qa.args`.
 */
import type { ProgramRerun } from '../../shared/api.js';
import type { JsonValue, QaRecord } from '../../shared/records.js';
import type { ProgramSceneData } from '../proposer/program/types.js';
import type { ProgramCall, ProgramRunner } from '../proposer/runner.js';
import { createSandboxRunner } from '../proposer/sandboxRunner.js';

/** The call as the proposer made it: with its JSON arguments when it had any. */
export function programCall(qa: QaRecord): ProgramCall {
  return qa.args ? { source: qa.program, args: qa.args } : qa.program;
}

/** Structural equality of JSON values (object key order does not matter; -0 equals 0 as JSON has no -0). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** One sandbox per host, started on the first re-run (~0.4 s) and kept: re-runs come in bursts while browsing. */
export class ProgramRerunner {
  private runner: Promise<ProgramRunner> | undefined;

  async rerun(qa: QaRecord, data: () => ProgramSceneData): Promise<ProgramRerun> {
    const prepared = data();
    this.runner ??= createSandboxRunner().catch((e: unknown) => {
      this.runner = undefined;
      throw e;
    });
    const runner = await this.runner;
    const t0 = performance.now();
    const [outcome] = await runner.runScene(prepared, [programCall(qa)]);
    const ms = performance.now() - t0;
    if (!outcome) return { ok: false, error: 'the sandbox returned no outcome', matchesStored: false, ms };
    if (!outcome.ok) {
      // A program that failed when proposed is stored with a null result; failing again reproduces that.
      return { ok: false, error: `${outcome.kind}: ${outcome.message}`, matchesStored: qa.programResult === null, ms };
    }
    return { ok: true, value: outcome.value, matchesStored: sameJson(outcome.value, qa.programResult as JsonValue), ms };
  }

  dispose(): void {
    const r = this.runner;
    this.runner = undefined;
    void r?.then((x) => x.dispose()).catch(() => {});
  }
}
