import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import { importPlyScene } from '../../../src/engine/sources/plyScene.js';
import { writePly } from '../../../src/engine/sources/ply/write.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { appendMesh, emptyMesh, quadMesh } from './fileFixtures.js';

const tmp = useTmpDirs();

/** A 4 × 4 m floor as 2 triangles, plus 800 tiny triangles covering 0.1 × 0.1 m, over a grid of 1,681 vertices. */
function unevenMesh() {
  const mesh = emptyMesh();
  appendMesh(mesh, quadMesh([[0, 0, 0], [4, 0, 0], [4, 4, 0], [0, 4, 0]], [255, 255, 255]));
  const patch = emptyMesh();
  const k = 40;
  for (let j = 0; j <= k; j++) {
    for (let i = 0; i <= k; i++) {
      patch.positions.push(10 + (0.2 * i) / k, (0.2 * j) / k, 0);
      patch.colors.push(255, 0, 0);
    }
  }
  for (let j = 0; j < k / 2; j++) {
    for (let i = 0; i < k / 2; i++) {
      const a = j * (k + 1) + i;
      patch.faces.push(a, a + 1, a + k + 2, a, a + k + 2, a + k + 1);
    }
  }
  appendMesh(mesh, patch);
  return mesh;
}

describe('importPlyScene', () => {
  it('samples a mesh by area, not by vertex', () => {
    const file = join(tmp(), 'room.ply');
    const mesh = unevenMesh();
    writeFileSync(file, writePly(mesh, 'binary_little_endian'));
    const scene = importPlyScene(file, { samplePoints: 20_000, seed: 3 });
    const pos = scene.points!.positions;
    expect(pos.length).toBe(60_000);
    let onPatch = 0;
    for (let i = 0; i < pos.length; i += 3) if (pos[i]! >= 10) onPatch++;
    // The patch's used triangles cover 0.1 × 0.1 = 0.01 m² of 16.01 m² (0.06 %), though it holds 99.8 % of the vertices.
    expect(onPatch / 20_000).toBeLessThan(0.002);
    expect(scene.objects).toEqual([]);
    expect(scene.id).toBe('ply:room');
    const p = scene.provenance;
    expect(p).toMatchObject({ source: 'ply', sourceId: 'room', files: [file], synthesised: ['room'] });
    expect(p.seeds).toEqual({ seed: 3, surfaceSampling: expect.any(Number) });
    expect(p.conversion.notes.join('\n')).toMatch(/20000 points sampled uniformly by area/);
    expect(importPlyScene(file, { samplePoints: 500, seed: 3 }).points!.positions).toEqual(importPlyScene(file, { samplePoints: 500, seed: 3 }).points!.positions);
  });

  it('keeps a pure point cloud as it is and estimates the room from it', () => {
    const file = join(tmp(), 'cloud.ply');
    const positions: number[] = [];
    for (let x = 0; x <= 6; x++) for (let y = 0; y <= 3; y++) for (const z of [0, 2.4]) positions.push(x, y, z);
    writeFileSync(file, writePly({ positions, colors: positions.map((_, i) => i % 256) }, 'ascii'));
    const scene = importPlyScene(file);
    expect(Array.from(scene.points!.positions)).toEqual(positions.map(Math.fround));
    expect(scene.room.area).toBeCloseTo(18, 9);
    expect(scene.room.floorZ).toBe(0);
    expect(scene.room.height).toBeCloseTo(2.4, 6);
    expect(scene.room.center).toEqual([3, 1.5, 1.2000000476837158]);
    expect(scene.provenance.seeds).toEqual({});
    expect(scene.provenance.conversion.notes.join('\n')).toMatch(/the file's 56 vertices, as they are/);
  });

  it('converts a Y-up file to Z-up and records the transform', () => {
    const file = join(tmp(), 'yup.ply');
    // Y-up: the floor is the plane y = 0, the ceiling y = 3.
    const positions = [0, 0, 0, 4, 0, 0, 4, 0, -5, 0, 0, -5, 0, 3, 0, 4, 3, -5];
    writeFileSync(file, writePly({ positions }, 'binary_big_endian'));
    const scene = importPlyScene(file, { upAxis: '+y' });
    const pts = Array.from(scene.points!.positions);
    expect(pts.filter((_, i) => i % 3 === 2)).toEqual([0, 0, 0, 0, 3, 3]);
    expect(scene.room.area).toBeCloseTo(20, 9);
    expect(scene.provenance.conversion.upAxis).toBe('+y');
    expect(scene.provenance.conversion.transform).toEqual([1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(scene.provenance.warnings).toContain('the vertices have no colours: points are mid-grey');
  });

  it('errors name the file', () => {
    const dir = tmp();
    const empty = join(dir, 'empty.ply');
    writeFileSync(empty, writePly({ positions: [] }, 'ascii'));
    expect(() => importPlyScene(empty)).toThrow(InputError);
    expect(() => importPlyScene(empty)).toThrow(`${empty}: expected at least one vertex, found none`);
    expect(() => importPlyScene(join(dir, 'missing.ply'))).toThrow(/missing\.ply: cannot read file: ENOENT/);
  });
});
