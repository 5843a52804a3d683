import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchHost, type WorkbenchHost } from '../../src/engine/host/index.js';
import { sampleIndices } from '../../src/engine/host/pointSample.js';
import { DEFAULT_LOOP_CONFIG } from '../../src/engine/loop/config.js';
import { scorePrediction } from '../../src/engine/eval/vsiScore.js';
import { getQa, loadScene, openStore, saveScenes } from '../../src/engine/store/index.js';
import { ProgramRerunner } from '../../src/engine/host/rerun.js';
import { prepareScene } from '../../src/engine/proposer/prepare.js';
import { PNG_SIGNATURE } from '../../src/engine/perception/png.js';
import { API_VERSION } from '../../src/shared/api.js';
import { InputError } from '../../src/shared/errors.js';
import { FAMILIES } from '../../src/shared/proposer.js';
import { useTmpDirs } from '../helpers/tmp.js';
import { seedWorkspace, type SeededRun } from './fixtures.js';

// One seeded workspace for the read-only queries (seeding runs the proposer: ~1 s).
let dir: string;
let seeded: SeededRun;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ouroboros-host-'));
  seeded = await seedWorkspace(dir);
  return () => rmSync(dir, { recursive: true, force: true });
});

const hosts: WorkbenchHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});
function open(options: { readonly?: boolean; workspaceDir?: string } = {}): WorkbenchHost {
  const h = createWorkbenchHost({ workspaceDir: options.workspaceDir ?? dir, readonly: options.readonly ?? true, transport: 'http', appVersion: '9.9.9', watchIntervalMs: 0 });
  hosts.push(h);
  return h;
}

describe('info', () => {
  const tmp = useTmpDirs();

  it('answers without a database, with the loop defaults and whether runs can start', async () => {
    const empty = tmp();
    const info = await open({ workspaceDir: join(empty, 'not-yet'), readonly: true }).info();
    expect(info).toEqual({ apiVersion: API_VERSION, appVersion: '9.9.9', transport: 'http', workspaceDir: join(empty, 'not-yet'), writable: false, defaultConfig: DEFAULT_LOOP_CONFIG });
    expect((await open({ workspaceDir: empty, readonly: false }).info()).writable).toBe(true);
  });

  it('says clearly that a read-only workspace does not exist yet', async () => {
    const empty = tmp();
    await expect(open({ workspaceDir: empty }).listScenes()).rejects.toThrow(`no workspace database at ${join(empty, 'workbench.db')}`);
  });
});

describe('scenes', () => {
  it('lists summaries with dataset, limit and offset', async () => {
    const host = open();
    const all = await host.listScenes();
    expect(all.map((s) => s.id)).toEqual(seeded.scenes.map((s) => s.id).sort());
    expect(await host.listScenes({ dataset: 'synthetic', limit: 1, offset: 1 })).toEqual([all[1]]);
    expect(await host.listScenes({ dataset: 'nope' })).toEqual([]);
  });

  it('gives a scene without its points, and refuses an unknown id by name', async () => {
    const host = open();
    const scene = seeded.scenes[0]!;
    const detail = await host.getScene(scene.id);
    expect(detail.summary.id).toBe(scene.id);
    expect(detail.objects).toHaveLength(scene.objects.length);
    expect(detail.objects.every((o) => !('pointIndices' in o))).toBe(true);
    expect(detail.trajectory).toHaveLength(6);
    expect(detail.provenance.source).toBe('synthetic');
    await expect(host.getScene('synthetic:missing')).rejects.toThrow(/no scene "synthetic:missing"/);
  });

  it('subsamples points uniformly to the budget, the same way every time', async () => {
    const host = open();
    const scene = seeded.scenes[0]!;
    const total = scene.points!.positions.length / 3;
    const a = await host.getScenePoints(scene.id, 500);
    expect(a).toMatchObject({ sceneId: scene.id, total, count: 500 });
    expect(a.positions).toBeInstanceOf(Float32Array);
    expect(a.positions).toHaveLength(1500);
    expect(a.colors).toHaveLength(1500);
    expect(a.objectIds).toBeInstanceOf(Int32Array);
    expect(a.objectIds).toHaveLength(500);
    const b = await host.getScenePoints(scene.id, 500);
    expect(b.positions).toEqual(a.positions);
    // Every drawn point is one of the scene's, with its own colour and object id.
    const original = new Map<string, number>();
    for (let i = 0; i < total; i++) original.set(Array.from(scene.points!.positions.subarray(3 * i, 3 * i + 3)).join(','), i);
    for (let j = 0; j < a.count; j++) {
      const i = original.get(Array.from(a.positions.subarray(3 * j, 3 * j + 3)).join(','));
      expect(i).toBeDefined();
      expect(Array.from(a.colors!.subarray(3 * j, 3 * j + 3))).toEqual(Array.from(scene.points!.colors.subarray(3 * i!, 3 * i! + 3)));
    }
    const everything = await host.getScenePoints(scene.id, total + 10);
    expect(everything.count).toBe(total);
    expect(everything.positions).toEqual(scene.points!.positions);
  });

  it('samples each index with equal probability', () => {
    const hits = new Float64Array(20);
    for (let s = 0; s < 2000; s++) for (const i of sampleIndices(20, 5, s)) hits[i]!++;
    for (const h of hits) expect(h / 2000).toBeCloseTo(0.25, 1);
    const one = sampleIndices(1000, 100, 3);
    expect(one).toHaveLength(100);
    expect([...one].every((v, i) => i === 0 || v > one[i - 1]!)).toBe(true);
  });

  it('renders a frame as PNG with the projected boxes inside the image', async () => {
    const host = open();
    const scene = seeded.scenes[0]!;
    const img = await host.getFrameImage(scene.id, 2);
    expect(img).toMatchObject({ sceneId: scene.id, frame: 2 });
    expect(Math.max(img.width, img.height)).toBe(320);
    expect(img.image).toBeInstanceOf(Uint8Array);
    expect(img.mime).toBe('image/png');
    expect(Array.from(img.image.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
    expect(img.boxes.length).toBeGreaterThan(0);
    for (const b of img.boxes) {
      const [x0, y0, x1, y1] = b.box;
      expect(0 <= x0 && x0 < x1 && x1 <= img.width && 0 <= y0 && y0 < y1 && y1 <= img.height).toBe(true);
      expect(b.visibleFraction).toBeGreaterThanOrEqual(0);
      expect(b.visibleFraction).toBeLessThanOrEqual(1);
      expect(scene.objects.find((o) => o.id === b.objectId)?.label).toBe(b.label);
    }
    const err = await host.getFrameImage(scene.id, 6).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`getFrameImage(frame): expected a frame from 0 to 5 of scene "${scene.id}", found 6`);
  });
});

describe('runs', () => {
  it('lists runs with progress, latest held-out score and the provider that trained them', async () => {
    const [run] = await open().listRuns();
    expect(run).toMatchObject({ id: seeded.runId, name: 'seeded', status: 'completed', roundsDone: 2, heldoutScore: 0.3, executionProvider: 'cpu: CUDA provider library not found' });
  });

  it('gives a run in full', async () => {
    const detail = await open().getRun(seeded.runId);
    expect(detail.rounds.map((i) => i.status)).toEqual(['completed', 'completed']);
    expect(detail.split).toHaveLength(2);
    expect(detail.training).toHaveLength(4);
    expect(detail.metrics.length).toBeGreaterThan(6);
    // Every round's drafts by proposer (only the programmatic one here).
    expect(detail.proposers.map((p) => [p.round, p.proposers.map((x) => x.proposer)])).toEqual([
      [0, ['programmatic']],
      [1, ['programmatic']],
    ]);
    await expect(open().getRun('nope')).rejects.toThrow(/no run "nope"/);
  });

  it('draws curves against samples seen, starting from the untrained model', async () => {
    const [series] = await open().curves([seeded.runId, seeded.runId]);
    expect(series).toMatchObject({ runId: seeded.runId, name: 'seeded', mode: 'closed-loop' });
    expect(series!.points.map((p) => [p.round, p.samplesSeen, p.overall])).toEqual([
      [-1, 0, 0.1],
      [0, 64, 0.2],
      [1, 128, 0.3],
    ]);
    expect(series!.points[2]!.families).toEqual({ object_counting: 0.3, room_size_estimation: 0.4 });
    await expect(open().curves(['nope'])).rejects.toThrow(/no run "nope"/);
  });
});

describe('questions', () => {
  it('pages, filters, searches and sorts', async () => {
    const host = open();
    const all = await host.queryQa({ runId: seeded.runId, limit: 10_000 });
    expect(all.total).toBe(seeded.qaIds.length);
    expect(all.rows.map((r) => r.id)).toEqual(seeded.qaIds);
    const page = await host.queryQa({ runId: seeded.runId, limit: 3, offset: 2 });
    expect(page.rows.map((r) => r.id)).toEqual(seeded.qaIds.slice(2, 5));
    expect(page.total).toBe(seeded.qaIds.length);

    const accepted = await host.queryQa({ runId: seeded.runId, verdict: 'accepted', limit: 10_000 });
    expect(accepted.rows.map((r) => r.id)).toEqual(seeded.accepted);
    const hard = await host.queryQa({ runId: seeded.runId, bucket: 'hard', round: 0 });
    expect(hard.rows.length).toBeGreaterThan(0);
    expect(hard.rows.every((r) => r.bucket === 'hard' && r.round === 0)).toBe(true);
    const bin1 = await host.queryQa({ runId: seeded.runId, bin: 1, family: 'object_counting' });
    expect(bin1.rows.length).toBeGreaterThan(0);
    expect(bin1.rows.every((r) => r.bin === 1 && r.family === 'object_counting')).toBe(true);

    const sample = all.rows.find((r) => r.verdict === 'accepted')!;
    const word = sample.question.split(' ').slice(2, 4).join(' ');
    const found = await host.queryQa({ runId: seeded.runId, search: word.toUpperCase() });
    expect(found.rows.length).toBeGreaterThan(0);
    expect(found.rows.every((r) => r.question.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    expect((await host.queryQa({ runId: seeded.runId, search: '%_%' })).total).toBe(0);

    const byConfidence = await host.queryQa({ runId: seeded.runId, sort: 'confidence', descending: true, limit: 10_000 });
    const conf = byConfidence.rows.map((r) => r.confidence);
    const answered = conf.filter((c): c is number => c !== null);
    expect(answered).toEqual([...answered].sort((a, b) => b - a));
    expect(conf.slice(answered.length).every((c) => c === null)).toBe(true);
    await expect(host.queryQa({ runId: 'nope' })).rejects.toThrow(/no run "nope"/);
  });

  it('gives a question with its answers and the objects it names', async () => {
    const host = open();
    const id = seeded.accepted[0]!;
    const detail = await host.getQa(id);
    expect(detail.qa.id).toBe(id);
    expect(detail.outputs).toHaveLength(1);
    const scene = seeded.scenes.find((s) => s.id === detail.qa.sceneId)!;
    const labels = new Set(detail.qa.named.map((n) => n.label));
    expect(detail.objectIds).toEqual(scene.objects.filter((o) => labels.has(o.label)).map((o) => o.id));
    await expect(host.getQa(999_999)).rejects.toThrow(/no question 999999/);
  });

  it('re-runs stored programs in the sandbox and reproduces the stored results', async () => {
    const host = open();
    for (const id of seeded.accepted.slice(0, 6)) {
      const r = await host.rerunProgram(id);
      expect(r, `question ${id}`).toMatchObject({ ok: true, matchesStored: true });
      expect(r.ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('names the objects of a question in its scene as its run saw it, after a re-import relabelled them', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'ouroboros-host-'));
    try {
      const s = await seedWorkspace(tmpDir);
      const store = openStore({ workspaceDir: tmpDir });
      const qa = getQa(store, s.accepted[0]!);
      const label = qa.named[0]!.label;
      const original = s.scenes.find((x) => x.id === qa.sceneId)!;
      const named = original.objects.filter((o) => o.label === label).map((o) => o.id);
      expect(named.length).toBeGreaterThan(0);
      // The edited source calls those objects something else: the current version has none of the question's label.
      const edited = { ...original, objects: original.objects.map((o) => (o.label === label ? { ...o, label: `${label} (relabelled)` } : o)) };
      expect(saveScenes(store, [edited]).map((x) => x.change)).toEqual(['changed']);
      store.close();

      const host = open({ workspaceDir: tmpDir });
      expect((await host.getQa(qa.id)).objectIds).toEqual(named);
      // The scene view's aggregate is over the current version, where no question names those objects' new label.
      const current = await host.sceneObjectConfidence(qa.sceneId, s.runId);
      expect(current.objects.length).toBeGreaterThan(0);
      expect(current.objects.filter((o) => named.includes(o.objectId))).toEqual([]);
      await host.close();
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });

  it('re-runs stored programs on the scene version their run used, after a re-import changed the scenes (issue 11, item 4)', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'ouroboros-host-'));
    try {
      const s = await seedWorkspace(tmpDir);
      // An edited source under the same ids: every object moved 0.8 m along x and grown by half, as an edited meta file gives.
      const editedScenes = s.scenes.map((scene) => ({
        ...scene,
        objects: scene.objects.map((o) => ({
          ...o,
          box: { ...o.box, center: [o.box.center[0] + 0.8, o.box.center[1], o.box.center[2]] as [number, number, number], extents: o.box.extents.map((e) => e * 1.5) as [number, number, number] },
        })),
      }));
      const store = openStore({ workspaceDir: tmpDir });
      const saved = saveScenes(store, editedScenes);
      expect(saved.map((x) => x.change)).toEqual(editedScenes.map(() => 'changed'));
      expect(saved.every((x) => x.previous?.runIds.includes(s.runId))).toBe(true);
      store.close();

      const host = open({ workspaceDir: tmpDir });
      const ids = s.accepted.slice(0, 12);
      const reruns = await Promise.all(ids.map((id) => host.rerunProgram(id)));
      expect(ids.filter((_, i) => !reruns[i]!.matchesStored)).toEqual([]);
      // The edit matters: on the current (edited) versions, some of the same programs give other answers.
      const rerunner = new ProgramRerunner();
      const check = openStore({ workspaceDir: tmpDir, readonly: true });
      let differ = 0;
      for (const id of ids) {
        const qa = getQa(check, id);
        const r = await rerunner.rerun(qa, () => prepareScene(loadScene(check, qa.sceneId)).data);
        if (!r.matchesStored) differ++;
      }
      rerunner.dispose();
      check.close();
      expect(differ).toBeGreaterThan(0);
      // The scene view shows the current version, which is not the run's.
      const detail = await host.getScene(s.scenes[0]!.id);
      expect(detail.version).toBe(saved[0]!.version);
      expect(detail.version).not.toBe(saved[0]!.previous!.version);
      await host.close();
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });

  it('notices when a stored result no longer follows from the scene', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'ouroboros-host-'));
    try {
      const s = await seedWorkspace(tmpDir);
      const store = openStore({ workspaceDir: tmpDir });
      store.db.prepare(`UPDATE qa SET program_result = '"tampered"' WHERE id = ?`).run(s.accepted[0]);
      store.db.prepare(`UPDATE qa SET program = 'throw new Error("boom")' WHERE id = ?`).run(s.accepted[1]);
      store.close();
      const host = open({ workspaceDir: tmpDir });
      expect(await host.rerunProgram(s.accepted[0]!)).toMatchObject({ ok: true, matchesStored: false });
      const failed = await host.rerunProgram(s.accepted[1]!);
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatch(/boom/);
      expect(failed.matchesStored).toBe(false);
      await host.close();
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });
});

describe('heatmaps', () => {
  it('count accepted questions per family and round', async () => {
    const map = await open().heatmap({ runId: seeded.runId, kind: 'family-round', metric: 'count' });
    expect(map.cols).toEqual(['0', '1']);
    expect(map.cells.reduce((n, c) => n + c.n, 0)).toBe(seeded.accepted.length);
    // Rows follow the proposer's family order.
    const rank = (f: string): number => (FAMILIES as readonly string[]).indexOf(f);
    expect(map.rows.length).toBeGreaterThan(3);
    expect(map.rows).toEqual([...map.rows].sort((a, b) => rank(a) - rank(b)));
  });

  it('score the latest answers as VSI-Bench does', async () => {
    const host = open();
    const map = await host.heatmap({ runId: seeded.runId, kind: 'scene-family', metric: 'accuracy' });
    const qa = (await host.queryQa({ runId: seeded.runId, verdict: 'accepted', limit: 10_000 })).rows;
    expect(map.cells.some((c) => c.value !== null && c.value > 0 && c.value < 1)).toBe(true);
    for (const cell of map.cells) {
      const inCell = qa.filter((q) => q.sceneId === cell.row && q.family === cell.col);
      const scores = await Promise.all(inCell.map(async (q) => scorePrediction(q.family, (await host.getQa(q.id)).outputs[0]!.prediction, q.answer!)));
      expect(cell.n).toBe(scores.length);
      expect(cell.value).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 9);
    }
    expect(map.rows).toEqual(seeded.scenes.map((s) => s.id).sort());
  });

  it('give bucket shares and mean confidence per difficulty bin of one family', async () => {
    const host = open();
    const easy = await host.heatmap({ runId: seeded.runId, kind: 'bin-round', metric: 'easy', family: 'object_counting' });
    const conf = await host.heatmap({ runId: seeded.runId, kind: 'bin-round', metric: 'confidence', family: 'object_counting' });
    expect(easy.rows.every((r) => /^\d+$/.test(r))).toBe(true);
    for (const c of [...easy.cells, ...conf.cells]) if (c.value !== null) expect(c.value).toBeGreaterThanOrEqual(0);
    for (const c of easy.cells) if (c.value !== null) expect(c.value).toBeLessThanOrEqual(1);
    const counted = await host.heatmap({ runId: seeded.runId, kind: 'bin-round', metric: 'count', family: 'object_counting' });
    const qa = await host.queryQa({ runId: seeded.runId, verdict: 'accepted', family: 'object_counting', limit: 10_000 });
    expect(counted.cells.reduce((n, c) => n + c.n, 0)).toBe(qa.total);
  });
});
