import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/errors.js';
import { InputError } from '../../../src/shared/errors.js';
import type { Scene } from '../../../src/shared/scene.js';
import {
  countScenes,
  hasScene,
  isStoreError,
  listScenes,
  loadScene,
  saveScene,
  saveScenes,
  sweepBlobs,
  type Store,
} from '../../../src/engine/store/index.js';
import { makeScene, useWorkspaces } from './fixtures.js';

/** Every file under blobs/, relative. */
function blobFiles(store: Store): string[] {
  const root = store.blobs.dir;
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

const rowCount = (store: Store, table: string): number => store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('scenes', () => {
  const ws = useWorkspaces();

  it('round-trip a scene with points, object ids, per-object point indices and a trajectory', () => {
    const store = ws.open(ws.dir());
    const scene = makeScene('synthetic:s1', { points: 500, frames: 4 });
    const { summary } = saveScene(store, scene);
    expect(summary).toMatchObject({ id: 'synthetic:s1', objectCount: 3, labelCount: 2, pointCount: 500, frameCount: 4 });
    const loaded = loadScene(store, 'synthetic:s1');
    expect(loaded).toEqual(scene);
    expect(loaded.points!.positions).toBeInstanceOf(Float32Array);
    expect(loaded.points!.objectIds).toBeInstanceOf(Int32Array);
    expect(loaded.objects[0]!.pointIndices).toBeInstanceOf(Uint32Array);
    // Point data lives in the blob, not in the row.
    const meta = store.db.prepare('SELECT length(metadata) FROM scenes').pluck().get() as number;
    expect(meta).toBeLessThan(5000);
    const [file] = blobFiles(store);
    expect(file).toMatch(/^([0-9a-f]{2})\/\1[0-9a-f]{62}$/);
  });

  it('round-trip a scene without points, and one with points but no segments', () => {
    const store = ws.open(ws.dir());
    const bare = makeScene('synthetic:bare');
    const noSeg = makeScene('synthetic:noseg', { points: 10, withSegments: false });
    saveScenes(store, [bare, noSeg]);
    expect(loadScene(store, bare.id)).toEqual(bare);
    expect(loadScene(store, noSeg.id)).toEqual(noSeg);
    expect(loadScene(store, bare.id).points).toBeUndefined();
    expect(blobFiles(store)).toHaveLength(1);
  });

  it('load a scene without its point cloud: the rest as saved, and its blob not read at all', () => {
    const store = ws.open(ws.dir());
    const scene = makeScene('synthetic:np', { points: 200, frames: 3 });
    saveScene(store, scene);
    const { points: _points, ...rest } = scene;
    const layout = loadScene(store, scene.id, undefined, { points: false });
    expect(layout).toEqual({ ...rest, objects: scene.objects.map(({ pointIndices: _i, ...o }) => o) });
    expect(layout.points).toBeUndefined();
    // Not read: a removed blob fails the full load only.
    const hash = store.db.prepare(`SELECT points_blob FROM scenes`).pluck().get() as string;
    store.blobs.remove(hash);
    expect(loadScene(store, scene.id, undefined, { points: false })).toEqual(layout);
    expect(() => loadScene(store, scene.id)).toThrow(/is missing/);
  });

  it('upsert by id, keeping rows that refer to the scene', () => {
    const store = ws.open(ws.dir());
    saveScene(store, makeScene('synthetic:u', { points: 20 }));
    store.db.prepare(`INSERT INTO runs (id, name, mode, config, seeds, code_version, status, provider, created_at, updated_at)
      VALUES ('r', 'r', 'closed-loop', '{}', '{}', 'v', 'queued', 'mock', 1, 1)`).run();
    // Refers to the scene by id but pins no version (as no run does any more): the old version need not be kept.
    store.db.prepare(`INSERT INTO run_scenes (run_id, scene_id, split) VALUES ('r', 'synthetic:u', 'train')`).run();
    const changed = makeScene('synthetic:u', { points: 30, labels: ['sofa'], seed: 3 });
    saveScene(store, changed);
    expect(loadScene(store, 'synthetic:u')).toEqual(changed);
    expect(countScenes(store)).toBe(1);
    expect(rowCount(store, 'run_scenes')).toBe(1);
    // The old point cloud is unreferenced now; the sweep (not the save) removes it.
    expect(blobFiles(store)).toHaveLength(2);
    expect(sweepBlobs(store).removedBlobs).toHaveLength(1);
    expect(loadScene(store, 'synthetic:u')).toEqual(changed);
  });

  it('deduplicate identical point clouds across scenes', () => {
    const store = ws.open(ws.dir());
    saveScenes(store, [makeScene('synthetic:d1', { points: 50 }), makeScene('synthetic:d2', { points: 50 })]);
    expect(blobFiles(store)).toHaveLength(1);
    expect(rowCount(store, 'blobs')).toBe(1);
  });

  it('list summaries filtered by dataset and source, paged, ordered by id', () => {
    const store = ws.open(ws.dir());
    const other: Scene = { ...makeScene('scannet:scene0001_00'), dataset: 'scannet' };
    other.provenance = { ...other.provenance, source: 'scannet', synthesised: [] };
    saveScenes(store, [makeScene('synthetic:b', { points: 5 }), other, makeScene('synthetic:a')]);
    expect(listScenes(store).map((s) => s.id)).toEqual(['scannet:scene0001_00', 'synthetic:a', 'synthetic:b']);
    expect(listScenes(store, { dataset: 'synthetic' }).map((s) => s.id)).toEqual(['synthetic:a', 'synthetic:b']);
    expect(listScenes(store, { source: 'scannet' })).toEqual([
      {
        id: 'scannet:scene0001_00',
        dataset: 'scannet',
        source: 'scannet',
        objectCount: 3,
        labelCount: 2,
        pointCount: 0,
        frameCount: 0,
        roomArea: 20.25,
        synthesised: [],
      },
    ]);
    expect(listScenes(store, { limit: 1, offset: 1 }).map((s) => s.id)).toEqual(['synthetic:a']);
    expect(countScenes(store, { dataset: 'synthetic' })).toBe(2);
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM scenes WHERE dataset = ? ORDER BY id`).all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX scenes_by_dataset/);
  });

  it('write nothing for an invalid scene', () => {
    const store = ws.open(ws.dir());
    const bad = makeScene('synthetic:bad', { points: 10 });
    bad.objects[0]!.box.extents = [0.5, -1, 0.5];
    expect(() => saveScene(store, bad)).toThrow(InputError);
    expect(() => saveScene(store, bad)).toThrow(/synthetic:bad\.objects\[0\]\.box\.extents\[1\]: expected a positive extent/);
    expect(rowCount(store, 'scenes')).toBe(0);
    expect(blobFiles(store)).toEqual([]);
  });

  it('refuse point indices without a point cloud', () => {
    const store = ws.open(ws.dir());
    const s = makeScene('synthetic:idx');
    s.objects[1]!.pointIndices = Uint32Array.from([0]);
    expect(() => saveScene(store, s)).toThrow(/synthetic:idx\.objects\[1\]\.pointIndices: expected no point indices/);
  });

  it('save a batch all-or-nothing: an invalid third scene writes no scene rows and no blobs', () => {
    const store = ws.open(ws.dir());
    const third = makeScene('synthetic:3', { points: 10, seed: 3 });
    third.room.area = Number.NaN;
    const batch = [makeScene('synthetic:1', { points: 10, seed: 1 }), makeScene('synthetic:2', { points: 10, seed: 2 }), third, makeScene('synthetic:4')];
    expect(() => saveScenes(store, batch)).toThrow(/synthetic:3\.room\.area: expected a positive floor area/);
    expect(rowCount(store, 'scenes')).toBe(0);
    expect(rowCount(store, 'blobs')).toBe(0);
    expect(blobFiles(store)).toEqual([]);
  });

  it('remove the blob files of a batch whose transaction fails half-way', () => {
    const store = ws.open(ws.dir());
    const kept = makeScene('synthetic:kept', { points: 10, seed: 9 });
    saveScene(store, kept);
    const keptFiles = blobFiles(store);
    // Fails inside the transaction, after two scenes' rows and all blobs were written.
    store.db.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON scenes WHEN NEW.id = 'synthetic:3'
                   BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const batch = [
      makeScene('synthetic:1', { points: 10, seed: 1 }),
      makeScene('synthetic:2', { points: 10, seed: 9 }), // same content as the kept scene's blob
      makeScene('synthetic:3', { points: 10, seed: 3 }),
    ];
    expect(() => saveScenes(store, batch)).toThrow(/injected failure/);
    expect(listScenes(store).map((s) => s.id)).toEqual(['synthetic:kept']);
    expect(blobFiles(store)).toEqual(keptFiles);
    expect(loadScene(store, kept.id)).toEqual(kept);
  });

  it('name the scene and the blob when its point cloud is corrupt or missing', () => {
    const store = ws.open(ws.dir());
    saveScene(store, makeScene('synthetic:c', { points: 100 }));
    const hash = store.db.prepare(`SELECT points_blob FROM scenes`).pluck().get() as string;
    const path = store.blobs.pathOf(hash);
    const bytes = readFileSync(path);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(path, bytes);
    const e = (() => {
      try {
        loadScene(store, 'synthetic:c');
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected an error');
    })();
    expect(isStoreError(e, 'blob-corrupt')).toBe(true);
    expect(e.message).toContain(`blob ${hash} of scene synthetic:c is corrupt`);
    expect(e.message).toContain(path);

    writeFileSync(path, ''); // same name, wrong size: the next save repairs the file
    saveScene(store, makeScene('synthetic:c', { points: 100 }));
    expect(loadScene(store, 'synthetic:c').points!.positions.length).toBe(300);

    store.blobs.remove(hash);
    expect(existsSync(path)).toBe(false);
    expect(() => loadScene(store, 'synthetic:c')).toThrow(/blob [0-9a-f]{64} of scene synthetic:c is missing/);
  });

  it('re-saving a scene repairs its point cloud after 3 flipped bytes, as the corrupt-blob error advises (issue 11, item 3)', () => {
    const store = ws.open(ws.dir());
    const scene = makeScene('synthetic:flip', { points: 200 });
    saveScene(store, scene);
    const hash = store.db.prepare(`SELECT points_blob FROM scenes`).pluck().get() as string;
    const path = store.blobs.pathOf(hash);
    const good = readFileSync(path);
    const bad = Buffer.from(good);
    for (const at of [64, 500, 1500]) bad[at] = bad[at]! ^ 0x01;
    writeFileSync(path, bad);
    const e = thrown(() => loadScene(store, scene.id));
    expect(isStoreError(e, 'blob-corrupt')).toBe(true);
    expect(e.message).toMatch(/is corrupt: .*; re-import it$/);

    saveScene(store, makeScene('synthetic:flip', { points: 200 }));
    expect(readFileSync(path)).toEqual(good);
    expect(loadScene(store, scene.id)).toEqual(scene);
  });

  it('a reader whose scene is replaced and swept between reading its row and its blob gets the new version', () => {
    const dir = ws.dir();
    const writer = ws.open(dir);
    saveScene(writer, makeScene('synthetic:r', { points: 30, seed: 1 }));
    const reader = ws.open(dir, true);
    const next = makeScene('synthetic:r', { points: 30, seed: 2 });
    const read = reader.blobs.read.bind(reader.blobs);
    let first = true;
    reader.blobs.read = (hash, owner) => {
      if (first) {
        // Another process re-imports the scene and sweeps its old point cloud.
        first = false;
        saveScene(writer, next);
        expect(sweepBlobs(writer).removedBlobs).toEqual([hash]);
      }
      return read(hash, owner);
    };
    expect(loadScene(reader, 'synthetic:r')).toEqual(next);
  });

  it('report a missing scene and answer hasScene', () => {
    const store = ws.open(ws.dir());
    expect(hasScene(store, 'synthetic:none')).toBe(false);
    expect(() => loadScene(store, 'synthetic:none')).toThrow(/no scene "synthetic:none" in .*workbench\.db/);
  });
});
