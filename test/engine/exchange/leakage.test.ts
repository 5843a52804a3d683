/**
 * The leakage guard: VSI-Bench's evaluation scenes are marked in the scene list and the run's settings, and a
 * training export holding questions about them is refused, naming them, unless the user allows it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportQa } from '../../../src/engine/exchange/exportQa.js';
import { createWorkbenchHost, type WorkbenchHost } from '../../../src/engine/host/index.js';
import { assignRunScenes, createRound, createRun, insertQaBatch, saveScenes, type Store } from '../../../src/engine/store/index.js';
import type { Scene } from '../../../src/shared/scene.js';
import { inputError } from '../../helpers/errors.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { makeQa, makeScene, newRun, useWorkspaces } from '../store/fixtures.js';

const EVAL_TRAIN = 'vsibench:scene0251_00';
const EVAL_HELDOUT = 'vsibench:41069025';
const PLAIN = 'synthetic:a';

const asDataset = (scene: Scene, dataset: string): Scene => ({ ...scene, dataset });

/** Run `leaky` trains on one ScanNet val scene and a synthetic room and holds out an ARKitScenes val scene; run `clean` trains on the synthetic room only. */
function seed(store: Store): void {
  saveScenes(store, [asDataset(makeScene(EVAL_TRAIN), 'scannet'), makeScene(PLAIN), asDataset(makeScene(EVAL_HELDOUT), 'arkitscenes')]);
  const leaky = createRun(store, newRun({ id: 'leaky' }));
  assignRunScenes(store, leaky.id, [
    { sceneId: EVAL_TRAIN, split: 'train' },
    { sceneId: PLAIN, split: 'train' },
    { sceneId: EVAL_HELDOUT, split: 'heldout' },
  ]);
  const clean = createRun(store, newRun({ id: 'clean' }));
  assignRunScenes(store, clean.id, [
    { sceneId: PLAIN, split: 'train' },
    { sceneId: EVAL_HELDOUT, split: 'heldout' },
  ]);
  for (const runId of ['leaky', 'clean']) createRound(store, { runId, round: 0, status: 'completed', stage: 'evaluate' });
  insertQaBatch(store, [makeQa('leaky', 0, EVAL_TRAIN, 0), makeQa('leaky', 0, PLAIN, 2), makeQa('clean', 0, PLAIN, 0)]);
}

const REFUSAL =
  "refusing to export run leaky's questions for training: 1 of their scenes is a VSI-Bench evaluation scene (vsibench:scene0251_00), " +
  'so a model trained on them and then scored on VSI-Bench has seen the test rooms; pass --allow-eval-scenes (API: allowEvalScenes) to export anyway, or train on other scenes';

const hosts: WorkbenchHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

describe('leakage guard', () => {
  const ws = useWorkspaces();
  const tmp = useTmpDirs();

  it('refuses a training export about evaluation scenes, naming them, and writes nothing', () => {
    const store = ws.open(ws.dir());
    seed(store);
    for (const format of ['jsonl', 'llama-factory'] as const) {
      const out = join(tmp(), format);
      expect(inputError(() => exportQa(store, { runId: 'leaky', outDir: out, format })).message).toBe(REFUSAL);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('exports them when allowed and says so in export.json; a run on other scenes needs no flag', () => {
    const store = ws.open(ws.dir());
    seed(store);
    const out = join(tmp(), 'allowed');
    const summary = exportQa(store, { runId: 'leaky', outDir: out, format: 'jsonl', allowEvalScenes: true });
    expect(summary.evalScenes).toEqual([EVAL_TRAIN]);
    expect(summary.questions).toBe(2);
    expect(JSON.parse(readFileSync(join(out, 'export.json'), 'utf8')).vsiBenchEvalScenes).toEqual([EVAL_TRAIN]);
    const clean = exportQa(store, { runId: 'clean', outDir: join(tmp(), 'clean'), format: 'jsonl' });
    expect(clean).toMatchObject({ questions: 1, evalScenes: [] });
  });

  it('marks evaluation scenes in the scene list and the run training on them (held-out ones are not a leak)', async () => {
    const dir = ws.dir();
    seed(ws.open(dir));
    const host = createWorkbenchHost({ transport: 'ipc', watchIntervalMs: 0, workspaceDir: dir, readonly: true });
    hosts.push(host);
    const marks = Object.fromEntries((await host.listScenes()).map((s) => [s.id, s.evalScene]));
    expect(marks).toEqual({ [EVAL_TRAIN]: true, [EVAL_HELDOUT]: true, [PLAIN]: false });
    expect((await host.getScene(EVAL_TRAIN)).summary.evalScene).toBe(true);
    expect((await host.getRun('leaky')).evalScenes).toEqual([EVAL_TRAIN]);
    expect((await host.getRun('clean')).evalScenes).toEqual([]);
  });

  it('the CLI prints the refusal in one line with exit code 2, and --allow-eval-scenes exports with a warning', () => {
    const dir = ws.dir();
    seed(ws.open(dir));
    const exchange = (args: string[]) =>
      spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'src/engine/cli/exchange.ts'), ...args, '--workspace', dir], { encoding: 'utf8', cwd: repoRoot });
    const out = join(tmp(), 'cli');
    const refused = exchange(['export', '--run', 'leaky', '--out', out, '--format', 'jsonl']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`error: ${REFUSAL}\n`);
    expect(existsSync(out)).toBe(false);
    const allowed = exchange(['export', '--run', 'leaky', '--out', out, '--format', 'jsonl', '--allow-eval-scenes']);
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('warning: exported with --allow-eval-scenes: 1 of the scenes are VSI-Bench evaluation scenes (vsibench:scene0251_00); export.json lists them');
  });
});
