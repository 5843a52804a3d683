import { describe, expect, it, onTestFinished } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import type { LoopConfig, LoopEvent } from '../../../src/shared/loop.js';
import type { RunRecord } from '../../../src/shared/records.js';
import { resolveLoopConfig, startLoop } from '../../../src/engine/loop/index.js';
import { loadRunScenes } from '../../../src/engine/loop/runScenes.js';
import { loadRunScenesAhead, type ScenesAhead } from '../../../src/engine/loop/scenesAhead.js';
import { listRunScenes, openStore, type Store } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP, runDigest } from './loopFixture.js';

const tmp = useTmpDirs();

/**
 * The same loop in two fresh workspaces, the second started with `scenesAhead`: the first run's digest, and the
 * second's store (closed after the test), run, digest and events.
 */
async function withAndWithout(config: LoopConfig, scenesAhead: ScenesAhead): Promise<{ store: Store; run: RunRecord; digest: unknown; reference: unknown; events: LoopEvent[] }> {
  const ref = openStore({ workspaceDir: tmp() });
  const reference = runDigest(ref, (await (await startLoop(ref, config)).done).id);
  ref.close();
  const store = openStore({ workspaceDir: tmp() });
  onTestFinished(() => store.close());
  const events: LoopEvent[] = [];
  const run = await (await startLoop(store, config, { scenesAhead, onEvent: (e) => events.push(e) })).done;
  return { store, run, digest: runDigest(store, run.id), reference, events };
}

describe("loading a run's scenes ahead on a worker thread", () => {
  it('gives what loadRunScenes gives on the calling thread, point clouds and walkthroughs included', async () => {
    const config = resolveLoopConfig({ ...SMALL_LOOP, scenes: ['synthetic:3'], heldoutScenes: ['vsibench:builtin?part=heldout'] });
    const got = await loadRunScenesAhead(config).result;
    const here = loadRunScenes(config);
    expect(got.split).toEqual(here.split);
    expect(got.scenes.length).toBe(here.scenes.length);
    expect(got.scenes.some((s) => s.points && s.points.positions.length > 0 && s.trajectory)).toBe(true);
    // Point clouds byte for byte (an element-wise deep equality of ~10M numbers takes a minute), the rest deeply.
    const bytes = (v: ArrayBufferView | undefined): Buffer | undefined => (v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : undefined);
    got.scenes.forEach((s, i) => {
      const h = here.scenes[i]!;
      for (const k of ['positions', 'colors', 'objectIds'] as const) expect(bytes(s.points?.[k])?.equals(bytes(h.points?.[k])!) ?? h.points?.[k] === undefined, `${s.id} points.${k}`).toBe(true);
      expect({ ...s, points: undefined }).toEqual({ ...h, points: undefined });
    });
  }, 60_000);

  it('a bad source is the same InputError as on the calling thread', async () => {
    const config = resolveLoopConfig({ ...SMALL_LOOP, scenes: ['synthetic:2', 'vsibench:/nowhere/meta_info.json'] });
    const inline = (() => {
      try {
        loadRunScenes(config);
      } catch (e) {
        return e;
      }
      throw new Error('expected loadRunScenes to refuse the source');
    })() as InputError;
    expect(inline).toBeInstanceOf(InputError);
    const ahead = loadRunScenesAhead(config).result;
    await expect(ahead).rejects.toBeInstanceOf(InputError);
    await expect(ahead).rejects.toThrow(inline.message);
    // startLoop reports it as it would without the worker, and makes no run.
    const store = openStore({ workspaceDir: tmp() });
    await expect(startLoop(store, config, { scenesAhead: loadRunScenesAhead(config) })).rejects.toThrow(inline.message);
    store.close();
  });

  it('a run started with its scenes loaded ahead stores what a run without stores (scene versions included)', async () => {
    const config = resolveLoopConfig(SMALL_LOOP);
    const { store, run, digest, reference, events } = await withAndWithout(config, loadRunScenesAhead(config));
    expect(run.status).toBe('completed');
    expect(digest).toEqual(reference);
    expect(listRunScenes(store, run.id).every((s) => (s.sceneVersion ?? '').length > 0)).toBe(true);
    // One line says where the scenes came from; nothing says they were loaded again.
    expect(events.filter((e) => e.type === 'log' && /ahead|worker|loop's thread/.test(e.message))).toEqual([
      expect.objectContaining({ level: 'info', message: expect.stringMatching(/^\d+ scenes read and synthesised ahead on a worker thread in \d+\.\d\d s$/) }),
    ]);
  }, 60_000);

  it('scenes loaded ahead for other sources are not used: the run loads its own and says so', async () => {
    const config = resolveLoopConfig(SMALL_LOOP);
    const other = loadRunScenesAhead(resolveLoopConfig({ ...SMALL_LOOP, dataSeed: 99 }));
    const { digest, reference, events } = await withAndWithout(config, other);
    expect(digest).toEqual(reference);
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', level: 'warn', message: expect.stringMatching(/loaded ahead were for other sources/) }));
  }, 60_000);
});
