import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopConfig, LoopConfigInput, LoopEvent } from '../../../src/shared/loop.js';
import { BASE_SCORE_METRIC, BUILTIN_TARGET, MAIN_JOB, baseConfig, comparable, ensureBaseFor, ensureRun, finalCheckpointId, findCompletedRun, resolveLoopConfig, startLoop, storedLoopConfig } from '../../../src/engine/loop/index.js';
import {
  REBUILD_COMMAND,
  SHIPPED_MODELS,
  importShippedRun,
  initialModelSha256,
  measureStartScores,
  packShippedRun,
  solverSourceSha256,
  unpackShippedRun,
  type ShippedSource,
} from '../../../src/engine/loop/shipped.js';
import { loadRunScenes } from '../../../src/engine/loop/runScenes.js';
import { listCheckpoints, listMetrics, listTrainingStats, openStore, queryQa, readCheckpoint, type Store } from '../../../src/engine/store/index.js';
import { resourcesDir } from '../../../src/engine/resources.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP, runDigest } from './loopFixture.js';

const tmp = useTmpDirs();
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A base in miniature: the same kind of run as BASE_PROTOCOL (no feedback, from scratch), seconds long. */
const SMALL_BASE: LoopConfigInput = { ...SMALL_LOOP, name: 'small base', mode: 'no-feedback', seed: 0 };

async function trainedBase(): Promise<{ store: Store; runId: string; bytes: Uint8Array }> {
  const store = openStore({ workspaceDir: tmp() });
  const { run, shipped } = await ensureRun(store, SMALL_BASE, { shipped: [] });
  expect(shipped).toBe(false);
  return { store, runId: run.id, bytes: await packShippedRun(store, run.id, 'test') };
}

const source = (bytes: Uint8Array, sha = sha256(bytes)): ShippedSource => ({ name: '/shipped/small.ourorun', read: () => bytes, sha256: sha });

/** The same file with its header edited (the checkpoint kept). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const buf = Buffer.from(bytes);
  const length = buf.readUInt32LE(12);
  const header = JSON.parse(buf.toString('utf8', 16, 16 + length)) as Record<string, unknown>;
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.from(buf.subarray(0, 16));
  head.writeUInt32LE(json.length, 12);
  return Buffer.concat([head, json, buf.subarray(16 + length)]);
}

async function closedLoopFrom(store: Store, checkpoint: number): Promise<Record<string, unknown>> {
  const run = await (await startLoop(store, { ...SMALL_LOOP, initCheckpoint: checkpoint })).done;
  expect(run.status, run.error ?? '').toBe('completed');
  return runDigest(store, run.id);
}

describe('shipped models', () => {
  it('packs a run to the same bytes from two fresh workspaces; a fresh workspace imports it and a loop from it equals a loop from the trained one', async () => {
    const a = await trainedBase();
    const b = await trainedBase();
    expect(sha256(b.bytes)).toBe(sha256(a.bytes));

    const fresh = openStore({ workspaceDir: tmp() });
    const events: LoopEvent[] = [];
    const got = await ensureRun(fresh, SMALL_BASE, { shipped: [source(a.bytes)], onEvent: (e) => events.push(e) });
    expect(got).toMatchObject({ reused: true, shipped: true });
    expect(got.run.status).toBe('completed');
    expect(got.run.tags).toEqual(['shipped']);
    expect(got.run.notes).toMatch(/questions and answers, controller decisions.*not included/);
    expect(events.some((e) => e.type === 'log' && /imported the shipped run/.test(e.message))).toBe(true);
    // Found by its settings from now on, like a trained run; the figures a reader shows are the trained run's.
    expect(findCompletedRun(fresh, SMALL_BASE)?.id).toBe(got.run.id);
    expect(listMetrics(fresh, { runId: got.run.id }).map(({ runId: _, ...m }) => m)).toEqual(listMetrics(a.store, { runId: a.runId }).map(({ runId: _, ...m }) => m));
    expect(listTrainingStats(fresh, got.run.id).map((t) => t.loss)).toEqual(listTrainingStats(a.store, a.runId).map((t) => t.loss));
    expect(queryQa(fresh, { runId: got.run.id, limit: -1 })).toEqual([]);
    const importedCk = finalCheckpointId(fresh, got.run.id);
    expect(Buffer.from(readCheckpoint(fresh, importedCk)).equals(Buffer.from(readCheckpoint(a.store, finalCheckpointId(a.store, a.runId))))).toBe(true);
    expect(listCheckpoints(fresh, got.run.id)).toHaveLength(1);

    // The loop that starts from it computes exactly what it computes from the trained base (optimizer state included).
    expect(await closedLoopFrom(fresh, importedCk)).toEqual(await closedLoopFrom(a.store, finalCheckpointId(a.store, a.runId)));
    // Packing the imported run again gives the file back: nothing was lost on the way in that the file holds.
    expect(sha256(await packShippedRun(fresh, got.run.id, 'test'))).toBe(sha256(a.bytes));
    for (const s of [a.store, b.store, fresh]) s.close();
  }, 240_000);

  it('gives a run from its checkpoint the start scores measured on the same questions and observations, which equal scoring it there', async () => {
    const a = await trainedBase();
    const ck = finalCheckpointId(a.store, a.runId);
    const start = await measureStartScores(a.store, ck, SMALL_LOOP);
    expect(start.provider).toBe('cpu');
    expect(start.figures.map((f) => f.metric)).toContain(BASE_SCORE_METRIC);
    const bytes = await packShippedRun(a.store, a.runId, 'test', [start]);
    a.store.close();
    const from = async (shipped: readonly ShippedSource[]): Promise<{ digest: Record<string, unknown>; copied: boolean }> => {
      const store = openStore({ workspaceDir: tmp() });
      const base = await ensureRun(store, SMALL_BASE, { shipped: [source(bytes)] });
      expect(base.shipped).toBe(true);
      const logs: string[] = [];
      const run = await (await startLoop(store, { ...SMALL_LOOP, initCheckpoint: finalCheckpointId(store, base.run.id) }, { shipped, onEvent: (e) => e.type === 'log' && logs.push(e.message) })).done;
      expect(run.status, run.error ?? '').toBe('completed');
      const digest = runDigest(store, run.id);
      store.close();
      return { digest, copied: logs.some((m) => /starting model's scores on this benchmark come with it \(small\.ourorun/.test(m)) };
    };
    const scored = await from([]);
    const copied = await from([source(bytes)]);
    expect({ scored: scored.copied, copied: copied.copied }).toEqual({ scored: false, copied: true });
    // Everything the run wrote is the same, the base_score rows included.
    expect(copied.digest).toEqual(scored.digest);
    // Other questions or observations (another input digest): the model is scored, not given another benchmark's figures.
    const other = withHeader(bytes, (h) => ((h.startScores as { inputSha256: string }[])[0]!.inputSha256 = '0'.repeat(64)));
    expect((await from([source(other)])).copied).toBe(false);
  }, 240_000);

  it('falls back to training, saying why, when the file or this build does not match; is silent for other settings', async () => {
    const { store, bytes } = await trainedBase();
    store.close();
    const tryImport = async (src: ShippedSource, input: LoopConfigInput = SMALL_BASE) => {
      const s = openStore({ workspaceDir: tmp() });
      const logs: string[] = [];
      const run = await importShippedRun(s, input, comparable, (level, m) => logs.push(`${level}: ${m}`), [src]);
      s.close();
      return { run, logs };
    };
    expect(await tryImport(source(bytes, 'f'.repeat(64)))).toEqual({ run: undefined, logs: [expect.stringMatching(/^warn: .*small\.ourorun.*SHA-256 is not the one this build ships.*npm run pretrain -- --bundle/)] });
    const stale = withHeader(bytes, (h) => ((h.compat as Record<string, unknown>).initialModelSha256 = '0'.repeat(64)));
    expect(await tryImport(source(stale))).toEqual({ run: undefined, logs: [expect.stringMatching(/^warn: .*different starting model.*npm run pretrain -- --bundle/)] });
    const bench = withHeader(bytes, (h) => ((h.compat as Record<string, unknown>).benchmarkSetId = 'heldout-00000000-2x3'));
    expect((await tryImport(source(bench))).logs).toEqual([expect.stringMatching(/^warn: .*held-out benchmark .* was scored on heldout-00000000-2x3/)]);
    const scenes = withHeader(bytes, (h) => ((h.scenes as { sceneVersion: string }[])[0]!.sceneVersion = 'other'));
    expect((await tryImport(source(scenes))).logs).toEqual([expect.stringMatching(/^warn: .*different scenes for synthetic:6/)]);
    expect(await tryImport(source(bytes.subarray(0, bytes.length - 1)))).toEqual({ run: undefined, logs: [expect.stringMatching(/^warn: .*do not match header\.checkpoint/)] });
    expect(await tryImport(source(bytes), { ...SMALL_BASE, seed: 1 })).toEqual({ run: undefined, logs: [] });
    expect(() => unpackShippedRun(Buffer.from('OUROSHIP\x02\0\0\0\0\0\0\0'), 'x.ourorun')).toThrow('x.ourorun: file version 2, this build reads version 1');
  }, 120_000);
});

describe(`the shipped base (resources/models; rebuild: ${REBUILD_COMMAND})`, () => {
  const entry = SHIPPED_MODELS[0]!;
  const file = join(resourcesDir(), 'models', entry.file);

  it('serves a CUDA run too: a fresh workspace imports the CPU-made base instead of pretraining on the GPU, and finds it the next time', async () => {
    const store = openStore({ workspaceDir: tmp() });
    // Training would begin with a stage event: stop it at once, so a regression fails here instead of pretraining.
    const stop = new AbortController();
    const onEvent = (e: LoopEvent): void => {
      if (e.type === 'stage') stop.abort();
    };
    const run: Pick<LoopConfig, 'scenes' | 'heldoutScenes' | 'model' | 'executionProvider'> = { scenes: [...BUILTIN_TARGET.train], heldoutScenes: [...BUILTIN_TARGET.heldout], model: 'default', executionProvider: 'cuda' };
    const first = await ensureBaseFor(store, run, { onEvent, signal: stop.signal });
    expect(first.shipped).toBe(true);
    expect(storedLoopConfig(first.run.config).executionProvider).toBe('cpu');
    expect(first.checkpointId).toBe(finalCheckpointId(store, first.run.id));
    const again = await ensureBaseFor(store, run, { onEvent, signal: stop.signal, shipped: [] });
    expect({ id: again.run.id, shipped: again.shipped, reused: again.reused }).toEqual({ id: first.run.id, shipped: false, reused: true });
    expect(stop.signal.aborted).toBe(false);
  }, 60_000);

  it('has the bytes this build names', () => {
    expect(existsSync(file), `${file} is missing: ${REBUILD_COMMAND}`).toBe(true);
    expect(sha256(readFileSync(file)), `${file} is not the file SHIPPED_MODELS names (src/engine/loop/shipped.ts): rebuild with ${REBUILD_COMMAND} and commit both`).toBe(entry.sha256);
    expect(readFileSync(file).length).toBeLessThan(4 * 1024 * 1024);
  });

  it('carries the scores that scoring it as the main job\'s starting model gives today', async () => {
    const store = openStore({ workspaceDir: tmp() });
    const base = await ensureBaseFor(store, resolveLoopConfig(MAIN_JOB));
    expect(base.shipped).toBe(true);
    const { header } = unpackShippedRun(readFileSync(file), file);
    const now = await measureStartScores(store, base.checkpointId, MAIN_JOB);
    store.close();
    expect(header.startScores, `${entry.file} has no start scores: ${REBUILD_COMMAND}`).toHaveLength(1);
    // A change to perception, the proposer or scoring since the file was built shows here first.
    expect(header.startScores![0], `the main job's benchmark or the base's scores on it changed since ${entry.file} was built: ${REBUILD_COMMAND}`).toEqual(now);
  }, 120_000);

  it('was made with the settings base.ts asks for today and by this solver', async () => {
    const { header } = unpackShippedRun(readFileSync(file), file);
    const want = resolveLoopConfig(baseConfig([...BUILTIN_TARGET.train, ...BUILTIN_TARGET.heldout]));
    expect(comparable(storedLoopConfig(header.config)), `the base's settings changed since ${entry.file} was built: ${REBUILD_COMMAND}`).toEqual(comparable(want));
    expect(header.compat.solverSourceSha256, `src/engine/solver changed since ${entry.file} was built: ${REBUILD_COMMAND}`).toBe(solverSourceSha256());
    const labels = loadRunScenes(want).scenes.flatMap((s) => s.objects.map((o) => o.label));
    expect(header.compat.initialModelSha256, `this build makes another starting model: ${REBUILD_COMMAND}`).toBe(await initialModelSha256(want, labels));
  }, 60_000);
});
