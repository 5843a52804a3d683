import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Solver } from '../../../src/engine/solver/solver.js';
import { createRound, createRun, openStore, saveCheckpoint, saveScenes } from '../../../src/engine/store/index.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { newRun } from '../store/fixtures.js';
import { TINY_SOLVER, vsiQuestionRecords, vsiScenes, writeJsonl } from './fixtures.js';

const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const cli = join(repoRoot, 'src/engine/cli/exchange.ts');

function exchange(args: string[], workspace: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tsx, [cli, ...args, '--workspace', workspace], { encoding: 'utf8', cwd: repoRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace with the two real scenes, one run with a round, and a tiny solver's checkpoint. */
async function workspace(dir: string): Promise<{ checkpointId: number }> {
  const store = openStore({ workspaceDir: dir });
  try {
    saveScenes(store, vsiScenes());
    createRun(store, newRun({ id: 'run-1', config: { frames: 8 } }));
    createRound(store, { runId: 'run-1', round: 0, status: 'completed', stage: 'evaluate' });
    const solver = await Solver.create(TINY_SOLVER, 3, { threads: 1, log: () => undefined });
    const bytes = solver.checkpoint();
    await solver.dispose();
    const ref = saveCheckpoint(store, { runId: 'run-1', round: 0, config: {}, optimizerStep: 0, content: { bytes } });
    return { checkpointId: ref.id };
  } finally {
    store.close();
  }
}

const oneLineError = (stderr: string): void => {
  expect(stderr).toMatch(/^error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr).not.toMatch(/--debug/);
};

describe('exchange CLI', () => {
  const tmp = useTmpDirs();

  it('answers a VSI-Bench question file with a stored checkpoint and reports scores and skipped questions', async () => {
    const ws = tmp();
    const { checkpointId } = await workspace(ws);
    const questions = writeJsonl(tmp(), 'questions.jsonl', vsiQuestionRecords());
    const out = join(tmp(), 'predictions.jsonl');
    const r = exchange(['eval-questions', '--questions', questions, '--checkpoint', String(checkpointId), '--out', out], ws);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/overall \(VSI-Bench style\)\s+10\s+\d+\.\d/);
    expect(r.stdout).toMatch(/route_planning\s+1\s/);
    expect(r.stdout).not.toContain('skipped');
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(10);

    const again = exchange(['eval-questions', '--questions', questions, '--checkpoint', String(checkpointId), '--out', out], ws);
    expect(again.status).toBe(2);
    oneLineError(again.stderr);
    expect(again.stderr).toMatch(/already exists; choose another path or pass --overwrite/);
  });

  it('prints one clear line and exits 2 for an unknown run or checkpoint, a bad question file, or a missing flag', async () => {
    const ws = tmp();
    const { checkpointId } = await workspace(ws);
    const out = tmp();
    const run = exchange(['export', '--run', 'nope', '--out', join(out, 'x')], ws);
    expect(run.status).toBe(2);
    oneLineError(run.stderr);
    expect(run.stderr).toMatch(/no run "nope" in .*; recent runs: run-1/);

    const questions = writeJsonl(tmp(), 'questions.jsonl', vsiQuestionRecords());
    const ckpt = exchange(['eval-questions', '--questions', questions, '--checkpoint', '99', '--out', join(out, 'p.jsonl')], ws);
    expect(ckpt.status).toBe(2);
    oneLineError(ckpt.stderr);
    expect(ckpt.stderr).toMatch(/no checkpoint 99 in /);

    const bad = writeJsonl(tmp(), 'bad.jsonl', [{ ...vsiQuestionRecords()[0], question_type: 'route_plan' }]);
    const badRun = exchange(['eval-questions', '--questions', bad, '--checkpoint', String(checkpointId), '--out', join(out, 'p.jsonl')], ws);
    expect(badRun.status).toBe(2);
    expect(badRun.stderr).toContain(`error: ${bad}: record 0 (id 101, line 1).question_type: unknown question_type "route_plan"`);

    const missing = exchange(['export', '--run', 'run-1'], ws);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error: --out: missing; it is required/);
  });

  it('exports a run', async () => {
    const ws = tmp();
    await workspace(ws);
    const out = join(tmp(), 'export');
    const r = exchange(['export', '--run', 'run-1', '--out', out, '--format', 'jsonl'], ws);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/exported 0 accepted questions of run run-1/);
    expect(readFileSync(join(out, 'qa-round0.jsonl'), 'utf8')).toBe('');
  });
});
