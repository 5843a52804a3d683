import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import { boxAabb } from '../../../src/engine/scene/obb.js';
import { importVsiMetaInfo } from '../../../src/engine/sources/vsibench.js';
import { arkitMetaFile, requireSharedData, scannetMetaFile } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';

type RawBox = { centroid: number[]; axesLengths: number[]; normalizedAxes: number[]; min: number[]; max: number[] };
type RawFile = Record<string, { object_bbox: Record<string, RawBox[]>; room_size: number }>;

const readRaw = (f: string): RawFile => JSON.parse(readFileSync(f, 'utf8')) as RawFile;
const boxesIn = (raw: RawFile): number => Object.values(raw).reduce((n, s) => n + Object.values(s.object_bbox).flat().length, 0);

describe('VSI-Bench meta_info import (real shared files)', () => {
  beforeAll(requireSharedData);
  const tmp = useTmpDirs();

  for (const [name, file, scenes] of [
    ['ScanNet', scannetMetaFile, 88],
    ['ARKitScenes', arkitMetaFile, 150],
  ] as const) {
    it(`imports every ${name} scene with every box, Z-up detected`, () => {
      const raw = readRaw(file);
      const result = importVsiMetaInfo(file, { synthesizePoints: false, synthesizeTrajectory: false });
      expect(result.scenes).toHaveLength(Object.keys(raw).length);
      expect(result.scenes).toHaveLength(scenes);
      expect(result.scenes.reduce((n, s) => n + s.objects.length, 0)).toBe(boxesIn(raw));
      expect(result.upAxis.axis).toBe('+z');
      for (const scene of result.scenes) {
        const src = raw[scene.provenance.sourceId]!;
        expect(scene.room.area).toBe(src.room_size);
        const flat = Object.entries(src.object_bbox).flatMap(([label, list]) => list.map((b) => ({ label, b })));
        scene.objects.forEach((o, i) => {
          const { label, b } = flat[i]!;
          expect(o.rawLabel).toBe(label);
          expect(o.box.center).toEqual(b.centroid);
          // The rotation convention is right iff the box's world AABB reproduces the file's min/max.
          const aabb = boxAabb(o.box);
          for (let k = 0; k < 3; k++) {
            expect(aabb.min[k]).toBeCloseTo(b.min[k]!, 6);
            expect(aabb.max[k]).toBeCloseTo(b.max[k]!, 6);
          }
        });
        expect(scene.room.bounds).toBeDefined();
        expect(scene.provenance.synthesised).toContain('roomBounds');
      }
    });
  }

  it('records where object_counts disagrees with the boxes, and uses the boxes', () => {
    const { scenes } = importVsiMetaInfo(scannetMetaFile, { only: ['scene0500_00'], synthesizePoints: false, synthesizeTrajectory: false });
    const scene = scenes[0]!;
    expect(scene.objects.filter((o) => o.label === 'chair')).toHaveLength(39);
    expect(scene.provenance.warnings.join('\n')).toMatch(/object_counts says chair: 38 but object_bbox lists 39 boxes/);
  });

  it('synthesises a point cloud and a walkthrough, marked as synthesised, deterministically', () => {
    const a = importVsiMetaInfo(arkitMetaFile, { only: ['41069025'], seed: 7 }).scenes[0]!;
    const b = importVsiMetaInfo(arkitMetaFile, { only: ['41069025'], seed: 7 }).scenes[0]!;
    expect(a.points!.positions.length).toBeGreaterThan(3000);
    expect(a.trajectory!.length).toBeGreaterThan(8);
    expect(a.provenance.synthesised).toEqual(expect.arrayContaining(['pointCloud', 'trajectory', 'roomBounds']));
    expect(a.points!.positions).toEqual(b.points!.positions);
    expect(a.trajectory).toEqual(b.trajectory);
    expect(a.provenance.seeds.pointCloud).toBe(b.provenance.seeds.pointCloud);
  });

  it('detects a Y-up file and converts it back to the same Z-up scene', () => {
    const raw = readRaw(arkitMetaFile);
    const names = Object.keys(raw).slice(0, 40);
    // (x, y, z)_zup → (x, z, −y)_yup, applied to every coordinate and axis.
    const toYUp = (v: number[]): number[] => [v[0]!, v[2]!, -v[1]!];
    const yup: Record<string, unknown> = {};
    for (const n of names) {
      const s = raw[n]! as unknown as Record<string, unknown> & { object_bbox: Record<string, RawBox[]>; room_center: number[] };
      yup[n] = {
        ...s,
        room_center: toYUp(s.room_center),
        object_bbox: Object.fromEntries(
          Object.entries(s.object_bbox).map(([l, list]) => [
            l,
            list.map((b) => {
              const lo = toYUp(b.min);
              const hi = toYUp(b.max);
              const ax = b.normalizedAxes;
              return {
                centroid: toYUp(b.centroid),
                axesLengths: b.axesLengths,
                normalizedAxes: [...toYUp(ax.slice(0, 3)), ...toYUp(ax.slice(3, 6)), ...toYUp(ax.slice(6, 9))],
                min: [Math.min(lo[0]!, hi[0]!), Math.min(lo[1]!, hi[1]!), Math.min(lo[2]!, hi[2]!)],
                max: [Math.max(lo[0]!, hi[0]!), Math.max(lo[1]!, hi[1]!), Math.max(lo[2]!, hi[2]!)],
              };
            }),
          ]),
        ),
      };
    }
    const file = join(tmp(), 'yup.json');
    writeFileSync(file, JSON.stringify(yup));
    const converted = importVsiMetaInfo(file, { synthesizePoints: false, synthesizeTrajectory: false });
    const original = importVsiMetaInfo(arkitMetaFile, { only: names, synthesizePoints: false, synthesizeTrajectory: false });
    expect(converted.upAxis.axis).toBe('+y');
    converted.scenes.forEach((s, i) => {
      expect(s.provenance.conversion.upAxis).toBe('+y');
      s.objects.forEach((o, j) => {
        const ref = original.scenes[i]!.objects[j]!;
        o.box.center.forEach((v, k) => expect(v).toBeCloseTo(ref.box.center[k]!, 9));
        expect(boxAabb(o.box).min[2]).toBeCloseTo(boxAabb(ref.box).min[2], 9);
      });
    });
  });

  describe('bad input names the file, the field and what was expected', () => {
    const writeVariant = (mutate: (raw: RawFile) => void, text?: (s: string) => string): string => {
      const raw = readRaw(arkitMetaFile);
      const keep = Object.keys(raw).slice(0, 3);
      const small = Object.fromEntries(keep.map((k) => [k, raw[k]!])) as RawFile;
      mutate(small);
      const file = join(tmp(), 'meta.json');
      const s = JSON.stringify(small, null, 1);
      writeFileSync(file, text ? text(s) : s);
      return file;
    };

    it('a missing field', () => {
      const file = writeVariant((raw) => {
        const first = Object.values(raw)[0]!;
        delete (Object.values(first.object_bbox)[0]![0] as Partial<RawBox>).axesLengths;
      });
      expect(() => importVsiMetaInfo(file)).toThrow(InputError);
      expect(() => importVsiMetaInfo(file)).toThrow(/meta\.json: 41069025\.object_bbox\.stove\[0\]\.axesLengths: expected an array of 3 numbers, found nothing \(field missing\)/);
    });

    it('a NaN written by Python', () => {
      const file = writeVariant(
        (raw) => {
          Object.values(raw)[1]!.room_size = -12345.678;
        },
        (s) => s.replace('-12345.678', 'NaN'),
      );
      expect(() => importVsiMetaInfo(file)).toThrow(/meta\.json: \w+\.room_size: expected a positive finite number, found NaN/);
    });

    it('a non-orthonormal axis set and a zero length, reported together', () => {
      const file = writeVariant((raw) => {
        const box = Object.values(Object.values(raw)[0]!.object_bbox)[0]![0]!;
        box.normalizedAxes[0] = 0.9;
        const other = Object.values(Object.values(raw)[2]!.object_bbox)[0]![0]!;
        other.axesLengths[1] = 0;
      });
      try {
        importVsiMetaInfo(file);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        const msg = (e as InputError).message;
        expect(msg).toMatch(/normalizedAxes: expected three unit axes, axis 0 has length/);
        expect(msg).toMatch(/axesLengths\[1\]: expected a positive length in metres, found 0/);
      }
    });

    it('broken JSON and a missing file', () => {
      const file = writeVariant(() => {}, (s) => s.slice(0, s.length / 2));
      expect(() => importVsiMetaInfo(file)).toThrow(/meta\.json: not valid JSON/);
      expect(() => importVsiMetaInfo(join(tmp(), 'nope.json'))).toThrow(/nope\.json: cannot read file: ENOENT/);
    });
  });
});
