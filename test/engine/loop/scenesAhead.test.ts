import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { resolveLoopConfig, startLoop } from '../../../src/engine/loop/index.js';
import { loadRunScenes } from '../../../src/engine/loop/runScenes.js';
import { loadRunScenesAhead } from '../../../src/engine/loop/scenesAhead.js';
import { listRunScenes, openStore } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP, runDigest } from './loopFixture.js';

const tmp = useTmpDirs();

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
    const a = openStore({ workspaceDir: tmp() });
    const b = openStore({ workspaceDir: tmp() });
    const ra = await (await startLoop(a, config)).done;
    const events: LoopEvent[] = [];
    const rb = await (await startLoop(b, config, { scenesAhead: loadRunScenesAhead(config), onEvent: (e) => events.push(e) })).done;
    expect(rb.status).toBe('completed');
    expect(runDigest(b, rb.id)).toEqual(runDigest(a, ra.id));
    expect(listRunScenes(b, rb.id).every((s) => (s.sceneVersion ?? '').length > 0)).toBe(true);
    // One line says where the scenes came from; nothing says they were loaded again.
    expect(events.filter((e) => e.type === 'log' && /ahead|worker|loop's thread/.test(e.message))).toEqual([
      expect.objectContaining({ level: 'info', message: expect.stringMatching(/^\d+ scenes read and synthesised ahead on a worker thread in \d+\.\d\d s$/) }),
    ]);
    a.close();
    b.close();
  }, 60_000);

  it('scenes loaded ahead for other sources are not used: the run loads its own and says so', async () => {
    const config = resolveLoopConfig(SMALL_LOOP);
    const ref = openStore({ workspaceDir: tmp() });
    const store = openStore({ workspaceDir: tmp() });
    const rr = await (await startLoop(ref, config)).done;
    const events: LoopEvent[] = [];
    const other = loadRunScenesAhead(resolveLoopConfig({ ...SMALL_LOOP, dataSeed: 99 }));
    const run = await (await startLoop(store, config, { scenesAhead: other, onEvent: (e) => events.push(e) })).done;
    expect(runDigest(store, run.id)).toEqual(runDigest(ref, rr.id));
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', level: 'warn', message: expect.stringMatching(/loaded ahead were for other sources/) }));
    ref.close();
    store.close();
  }, 60_000);
});
