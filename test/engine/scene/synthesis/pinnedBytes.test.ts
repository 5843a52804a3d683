/**
 * Synthesised scenes must keep their bytes across changes that only make synthesis faster: a stored scene's
 * version is a hash of them, so a changed byte makes every workspace's scenes new versions on re-import, and every
 * recorded run's observations different from a fresh one. The digests below were taken before the speed-ups of
 * 2026-12-05 (the generator's state in an Int32Array, `hypot`, the grid search without closures). A change meant to
 * alter synthesis updates them and says so in its commit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Scene } from '../../../../src/shared/scene.js';
import { generateSyntheticScenes } from '../../../../src/engine/sources/synthetic.js';
import { importVsiMetaInfo } from '../../../../src/engine/sources/vsibench.js';
import { arkitMetaFile, requireSharedData, scannetMetaFile } from '../../../helpers/shared.js';

function digest(scenes: readonly Scene[]): string {
  const h = createHash('sha256');
  for (const s of scenes) {
    // Not the files' paths: they name wherever this checkout's shared data lies.
    h.update(JSON.stringify({ ...s, points: undefined, provenance: { ...s.provenance, files: undefined } }));
    const p = s.points!;
    h.update(new Uint8Array(p.positions.buffer, p.positions.byteOffset, p.positions.byteLength));
    h.update(p.colors);
    const ids = p.objectIds!;
    h.update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

describe('synthesised scenes keep their bytes', () => {
  it('generated rooms: layout, point cloud and walkthrough', () => {
    expect(digest(generateSyntheticScenes(12, 3))).toBe('af038418ad13f124');
  });

  it('VSI-Bench layouts: synthesised point clouds and walkthroughs', () => {
    requireSharedData();
    // Every fifth scene id, so that the check stays fast yet covers both datasets' shapes of room.
    const pick = (file: string): Scene[] => importVsiMetaInfo(file, { seed: 0, keep: (id) => createHash('sha256').update(id).digest()[0]! % 5 === 0 }).scenes;
    const scenes = [...pick(scannetMetaFile), ...pick(arkitMetaFile)];
    expect(scenes.length).toBeGreaterThan(40);
    expect(digest(scenes)).toBe('7275e7f35dd27e92');
  });
});
