import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scene } from '../../../src/shared/scene.js';
import { InputError } from '../../../src/shared/errors.js';
import { RESOURCES_ENV, resourcesDir } from '../../../src/engine/resources.js';
import { formatSourceSpec, loadScenes, MAX_SYNTHETIC_SCENES, parseSourceSpec } from '../../../src/engine/sources/index.js';
import { SCENE_PARTS, SCENE_PART_BOUNDS, partOfScene, sceneIdHash } from '../../../src/engine/sources/parts.js';
import type { ScenePart } from '../../../src/engine/sources/parts.js';
import { inputError } from '../../helpers/errors.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';

function withEnv<T>(value: string, fn: () => T): T {
  const before = process.env[RESOURCES_ENV];
  process.env[RESOURCES_ENV] = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env[RESOURCES_ENV];
    else process.env[RESOURCES_ENV] = before;
  }
}

const ids = (scenes: Scene[]): string[] => scenes.map((s) => s.id);

/** A scene's whole content in a few bytes (deep equality over its point arrays takes a minute). */
function digest(scene: Scene): string {
  const h = createHash('sha256').update(JSON.stringify({ ...scene, points: undefined }));
  const p = scene.points;
  for (const a of p ? [p.positions, p.colors, p.objectIds ?? new Int32Array()] : []) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

describe('built-in VSI-Bench target domain', () => {
  let all: Scene[];
  // About 3 s for the 238 scenes (point clouds and trajectories are synthesised): load once.
  beforeAll(() => {
    all = loadScenes('vsibench:builtin');
  });

  it('finds resources/ at the top of the repository', () => {
    expect(resourcesDir()).toBe(join(repoRoot, 'resources'));
    expect(existsSync(join(resourcesDir(), 'vsibench', 'LICENSE'))).toBe(true);
  });

  it('loads both files: 88 ScanNet + 150 ARKitScenes scenes, ids unique, synthesised parts present', () => {
    expect(all).toHaveLength(238);
    expect(new Set(ids(all)).size).toBe(238);
    expect(all.filter((s) => s.dataset === 'scannet')).toHaveLength(88);
    expect(all.filter((s) => s.dataset === 'arkitscenes')).toHaveLength(150);
    for (const s of all) {
      expect(s.trajectory?.length).toBeGreaterThan(0);
      expect(s.provenance.synthesised).toEqual(expect.arrayContaining(['pointCloud', 'trajectory']));
      expect(s.provenance.files[0]).toContain(join('resources', 'vsibench'));
    }
  });

  it('builtin-scannet and builtin-arkitscenes are the two halves', () => {
    const scannet = loadScenes('vsibench:builtin-scannet', { frames: 4 });
    const arkit = loadScenes('vsibench:builtin-arkitscenes', { frames: 4 });
    expect(scannet).toHaveLength(88);
    expect(arkit).toHaveLength(150);
    expect(new Set(scannet.map((s) => s.dataset))).toEqual(new Set(['scannet']));
    expect(new Set(arkit.map((s) => s.dataset))).toEqual(new Set(['arkitscenes']));
    expect([...ids(scannet), ...ids(arkit)].sort()).toEqual(ids(all).sort());
  });

  it('its three parts are disjoint, cover the source, and have about the intended sizes', () => {
    const byPart = new Map<ScenePart, string[]>(SCENE_PARTS.map((p) => [p, ids(all.filter((s) => partOfScene(s.id) === p))]));
    const union = SCENE_PARTS.flatMap((p) => byPart.get(p)!);
    expect(union).toHaveLength(all.length);
    expect(new Set(union)).toEqual(new Set(ids(all)));
    let lower = 0;
    for (const p of SCENE_PARTS) {
      const expected = SCENE_PART_BOUNDS[p] - lower;
      lower = SCENE_PART_BOUNDS[p];
      expect(Math.abs(byPart.get(p)!.length / all.length - expected)).toBeLessThanOrEqual(0.08);
    }
    // Pinned: a change of hash or bounds reshuffles these counts.
    expect(SCENE_PARTS.map((p) => byPart.get(p)!.length)).toEqual([105, 42, 91]);
  });

  it('loadScenes with ?part= returns exactly the scenes of that part, each equal to its copy in the whole import', () => {
    // A part synthesises only its own scenes, but reads the up axis from the whole file: the same scenes result.
    const heldout = loadScenes('vsibench:builtin?part=heldout');
    expect(ids(heldout)).toEqual(ids(all).filter((id) => partOfScene(id) === 'heldout'));
    expect(heldout.map(digest)).toEqual(all.filter((s) => partOfScene(s.id) === 'heldout').map(digest));
  });

  it('layoutOnly: the same objects and room, nothing synthesised (what a target\'s labels are read from)', () => {
    const layouts = loadScenes('vsibench:builtin', { layoutOnly: true });
    expect(ids(layouts)).toEqual(ids(all));
    layouts.forEach((s, i) => {
      expect(s.points).toBeUndefined();
      expect(s.trajectory).toBeUndefined();
      expect({ objects: s.objects, room: s.room }).toEqual({ objects: all[i]!.objects, room: all[i]!.room });
    });
    const synthetic = loadScenes('synthetic:3', { layoutOnly: true });
    expect(synthetic.map((s) => [s.id, s.objects, s.room, s.points, s.trajectory])).toEqual(loadScenes('synthetic:3').map((s) => [s.id, s.objects, s.room, undefined, undefined]));
  });
});

describe('scene parts', () => {
  const tmp = useTmpDirs();

  it('partOfScene is a fixed function of the id', () => {
    expect(partOfScene('vsibench:scene0251_00')).toBe('heldout');
    expect(partOfScene('vsibench:scene0277_02')).toBe('train');
    expect(partOfScene('vsibench:41069043')).toBe('reference');
    expect(partOfScene('synthetic:synthetic-0-0')).toBe('heldout');
    expect(sceneIdHash('vsibench:scene0251_00')).toBe(sceneIdHash('vsibench:scene0251_00'));
    expect(SCENE_PART_BOUNDS).toEqual({ train: 0.45, reference: 0.6, heldout: 1 });
  });

  it('parses a trailing ?part= on any spec and leaves other ? in paths alone', () => {
    expect(parseSourceSpec('vsibench:builtin?part=heldout')).toEqual({ kind: 'vsibench', arg: 'builtin', part: 'heldout' });
    expect(parseSourceSpec('synthetic:48?part=train')).toEqual({ kind: 'synthetic', arg: '48', part: 'train' });
    expect(parseSourceSpec('ply:/data/a?b.ply')).toEqual({ kind: 'ply', arg: '/data/a?b.ply' });
    expect(parseSourceSpec('vsibench:/x/meta?part=heldout.json')).toEqual({ kind: 'vsibench', arg: '/x/meta?part=heldout.json' });
    expect(parseSourceSpec('vsibench:builtin')).toEqual({ kind: 'vsibench', arg: 'builtin' });
    expect(formatSourceSpec(parseSourceSpec('scannet:/s?part=reference'))).toBe('scannet:/s?part=reference');
  });

  it('rejects an unknown part, naming the allowed ones', () => {
    for (const spec of ['vsibench:builtin?part=bogus', 'synthetic:4?part=']) {
      expect(() => parseSourceSpec(spec)).toThrow(InputError);
      expect(() => parseSourceSpec(spec)).toThrow(/train, reference, heldout/);
    }
    expect(() => parseSourceSpec('synthetic:x?part=train')).toThrow(/positive whole number/);
  });

  it('caps synthetic counts at MAX_SYNTHETIC_SCENES, saying the cap and why (issue 11, item 1)', () => {
    expect(MAX_SYNTHETIC_SCENES).toBe(10_000);
    expect(parseSourceSpec(`synthetic:${MAX_SYNTHETIC_SCENES}`)).toEqual({ kind: 'synthetic', arg: '10000' });
    expect(parseSourceSpec('synthetic:1e4?part=train')).toEqual({ kind: 'synthetic', arg: '1e4', part: 'train' });
    for (const spec of ['synthetic:10001', 'synthetic:1000000000', 'synthetic:1e300?part=heldout']) {
      const e = inputError(() => parseSourceSpec(spec));
      expect(e.problems).toEqual([{ field: 'source', message: expect.stringContaining(`"${spec}": at most 10000 synthetic scenes per source`) as unknown }]);
      expect(e.message).toMatch(/memory/);
    }
  });

  it('synthetic:12?part=heldout keeps the heldout scenes of synthetic:12', () => {
    const full = loadScenes('synthetic:12', { frames: 4 });
    const heldout = loadScenes('synthetic:12?part=heldout', { frames: 4 });
    expect(heldout.length).toBeGreaterThan(0);
    expect(ids(heldout)).toEqual(ids(full).filter((id) => partOfScene(id) === 'heldout'));
  });

  it('an empty part is an InputError naming the spec', () => {
    // synthetic:1 with seed 0 is the single scene synthetic-0-0, which is heldout.
    expect(() => loadScenes('synthetic:1?part=train', { frames: 4 })).toThrow(InputError);
    expect(() => loadScenes('synthetic:1?part=train', { frames: 4 })).toThrow(/synthetic:1\?part=train/);
  });

  it('OUROBOROS_RESOURCES pointing at an empty folder gives a clear error', () => {
    const dir = tmp();
    withEnv(dir, () => {
      expect(resourcesDir()).toBe(dir);
      expect(() => loadScenes('vsibench:builtin-scannet')).toThrow(RESOURCES_ENV);
      expect(() => loadScenes('vsibench:builtin-scannet')).toThrow(join(dir, 'vsibench', 'scannet_meta_info_val.json'));
    });
  });
});
