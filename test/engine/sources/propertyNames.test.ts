/**
 * Labels and names spelled like Object.prototype's properties are ordinary strings: importers must treat them
 * so (issue 11, item 6). Before the fix a label `constructor` failed with "name.charCodeAt is not a function"
 * and `__proto__` with "expected a non-empty label", because lookups went through plain objects.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeLabel } from '../../../src/engine/scene/labels.js';
import { labelColor } from '../../../src/engine/scene/synthesis/palette.js';
import { sceneProblems } from '../../../src/engine/scene/validate.js';
import { importArkitScene } from '../../../src/engine/sources/arkitscenes.js';
import { parsePly } from '../../../src/engine/sources/ply/parse.js';
import { writePly } from '../../../src/engine/sources/ply/write.js';
import { importScanNetScene } from '../../../src/engine/sources/scannet.js';
import { importVsiMetaInfo } from '../../../src/engine/sources/vsibench.js';
import { loadScene, saveScenes } from '../../../src/engine/store/index.js';
import { arkitMetaFile, requireSharedData } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { useWorkspaces } from '../store/fixtures.js';
import { arkitBoxes, boxMesh, scannetParts, writeArkitFixture, writeScanNetFixture } from './fileFixtures.js';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const;

type RawScene = { object_bbox: Record<string, unknown[]>; object_counts?: Record<string, number> };

/** An object whose keys are exactly `entries`' (Object.fromEntries defines `__proto__` as an own key). */
const record = <T>(entries: [string, T][]): Record<string, T> => Object.fromEntries(entries) as Record<string, T>;

describe('labels named like object properties', () => {
  beforeAll(requireSharedData);
  const tmp = useTmpDirs();
  const ws = useWorkspaces();

  it('normalise to themselves and get a colour', () => {
    expect(NAMES.map((n) => normalizeLabel(n).trim())).toEqual(['constructor', 'proto', 'tostring', 'hasownproperty']);
    for (const name of NAMES) {
      const rgb = labelColor(name);
      expect(rgb).toHaveLength(3);
      for (const c of rgb) expect(Number.isInteger(c) && c >= 0 && c <= 255).toBe(true);
    }
    expect(normalizeLabel('Couch')).toBe('sofa'); // the synonym table still applies
  });

  /** The first scenes of the real ARKitScenes meta_info with every label renamed to one of NAMES, in turn. */
  function renamedMetaInfo(): { file: string; raw: Record<string, RawScene> } {
    const all = JSON.parse(readFileSync(arkitMetaFile, 'utf8')) as Record<string, RawScene>;
    const ids = Object.keys(all).slice(0, 3);
    let turn = 0;
    const raw = record(
      ids.map((id): [string, RawScene] => {
        const s = all[id]!;
        const boxes = Object.values(s.object_bbox);
        const renamed = boxes.map((list): [string, unknown[]] => [NAMES[turn++ % NAMES.length]!, list]);
        // Labels may now repeat within a scene; merge their box lists.
        const merged = new Map<string, unknown[]>();
        for (const [l, list] of renamed) merged.set(l, [...(merged.get(l) ?? []), ...list]);
        const counts = record([...merged].map(([l, list]): [string, number] => [l, list.length]));
        return [id, { ...s, object_bbox: record([...merged]), object_counts: counts }];
      }),
    );
    const file = join(tmp(), 'meta_info.json');
    writeFileSync(file, JSON.stringify(raw));
    expect(readFileSync(file, 'utf8')).toContain('"__proto__":');
    return { file, raw };
  }

  it('a VSI-Bench meta_info file imports them as labels, synthesises points and a walkthrough, and stores them', () => {
    const { file, raw } = renamedMetaInfo();
    const { scenes } = importVsiMetaInfo(file, { seed: 3, frames: 8 });
    expect(scenes).toHaveLength(3);
    for (const scene of scenes) {
      expect(sceneProblems(scene)).toEqual([]);
      const src = raw[scene.provenance.sourceId]!;
      const expected = Object.entries(src.object_bbox).flatMap(([label, list]) => list.map(() => label));
      expect(scene.objects.map((o) => o.rawLabel)).toEqual(expected);
      expect(scene.objects.map((o) => o.label)).toEqual(expected.map(normalizeLabel));
      expect(scene.points!.positions.length).toBeGreaterThan(0);
      expect(scene.trajectory).toHaveLength(8);
      expect(scene.provenance.warnings.join('\n')).not.toMatch(/object_counts/);
    }
    const labels = new Set(scenes.flatMap((s) => s.objects.map((o) => o.rawLabel)));
    expect([...labels].sort()).toEqual([...NAMES].sort());

    const store = ws.open(ws.dir());
    saveScenes(store, scenes);
    expect(loadScene(store, scenes[0]!.id)).toEqual(scenes[0]);
  });

  it('object_counts naming a property-like label with no boxes is reported, and `only` finds no such scene', () => {
    const { raw } = renamedMetaInfo();
    const [id, first] = Object.entries(raw)[0]!;
    const counts = record([...Object.entries(first.object_counts!), ['valueOf', 2] as [string, number]]);
    const file = join(tmp(), 'meta_counts.json');
    writeFileSync(file, JSON.stringify(record([[id, { ...first, object_counts: counts }]])));
    const { scenes } = importVsiMetaInfo(file, { synthesizePoints: false, synthesizeTrajectory: false, upAxis: '+z' });
    expect(scenes[0]!.provenance.warnings.join('\n')).toMatch(/object_counts lists valueOf but object_bbox has no boxes for it; ignored/);
    expect(() => importVsiMetaInfo(file, { only: ['toString'] })).toThrow(/no scene named toString in this file/);
  });

  it('a ScanNet scan with such segment-group labels imports them as objects', () => {
    const parts = scannetParts();
    // The three furniture parts and a fourth box take the property names as labels.
    parts[3]!.label = 'constructor';
    parts[4]!.label = '__proto__';
    parts[5]!.label = 'toString';
    parts.push({ objectId: 7, label: 'hasOwnProperty', segments: [60], mesh: boxMesh([4, 0.8, 0.3], [0.5, 0.5, 0.6], 0), size: [0.5, 0.5, 0.6], center: [4, 0.8, 0.3], yaw: 0 });
    const fx = writeScanNetFixture(tmp(), { parts });
    const scene = importScanNetScene(fx.dir);
    expect(sceneProblems(scene)).toEqual([]);
    expect(scene.objects.map((o) => [o.id, o.rawLabel])).toEqual([
      [3, 'constructor'],
      [4, '__proto__'],
      [5, 'toString'],
      [7, 'hasOwnProperty'],
    ]);
    for (const o of scene.objects) expect(o.label).toBe(normalizeLabel(o.rawLabel));
    for (const o of scene.objects) expect(o.pointIndices!.length).toBeGreaterThan(0);
  });

  it('an ARKitScenes annotation with such labels imports them as objects', () => {
    const boxes = arkitBoxes().map((b, i) => ({ ...b, label: NAMES[i]! }));
    const fx = writeArkitFixture(tmp(), { boxes });
    const scene = importArkitScene(fx.dir, { samplePoints: 5_000 });
    expect(sceneProblems(scene)).toEqual([]);
    expect(scene.objects.map((o) => o.rawLabel)).toEqual(['constructor', '__proto__', 'toString']);
    for (const o of scene.objects) expect(o.label).toBe(normalizeLabel(o.rawLabel));
  });

  it('a PLY vertex property named like one is kept as an own property; a type named like one is refused clearly', () => {
    const positions = [0, 0, 0, 1, 0, 0, 0, 1, 0];
    const bytes = writePly(
      {
        positions,
        vertexProperties: [
          { name: '__proto__', type: 'uchar', values: [1, 2, 3] },
          { name: 'constructor', type: 'float', values: [0.5, 1.5, 2.5] },
        ],
      },
      'ascii',
    );
    const ply = parsePly(bytes, 'props.ply');
    expect(Object.keys(ply.vertexProperties).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(ply.vertexProperties)).toBe(Object.prototype);
    expect(Array.from(ply.vertexProperties['__proto__']!)).toEqual([1, 2, 3]);
    expect(Array.from(ply.vertexProperties['constructor']!)).toEqual([0.5, 1.5, 2.5]);

    const text = new TextDecoder().decode(bytes).replace('property uchar __proto__', 'property constructor __proto__');
    expect(() => parsePly(new TextEncoder().encode(text), 'props.ply')).toThrow(/props\.ply: header line \d+: unknown property type\b.*expected one of/);
  });
});
