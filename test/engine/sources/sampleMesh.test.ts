import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import { createRng } from '../../../src/shared/random.js';
import { cumulativeAreas, sampleMeshSurface } from '../../../src/engine/sources/ply/sampleMesh.js';

// One big right triangle (legs 4 → area 8) and one small (legs 1 → area 0.5), far apart, three vertices each:
// sampling per vertex would split points 50/50, sampling by area 8 : 0.5.
const mesh = {
  positions: new Float32Array([0, 0, 0, 4, 0, 0, 0, 4, 0, 10, 0, 1, 11, 0, 1, 10, 1, 1]),
  colors: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255]),
  faces: new Uint32Array([0, 1, 2, 3, 4, 5]),
};

describe('sampleMeshSurface', () => {
  it('cumulative areas', () => {
    expect(Array.from(cumulativeAreas(mesh.positions, mesh.faces))).toEqual([8, 8.5]);
  });

  it('gives each triangle points in proportion to its area, not per vertex', () => {
    const n = 40_000;
    const s = sampleMeshSurface(mesh, n, createRng(3));
    let small = 0;
    for (let i = 0; i < n; i++) if (s.positions[3 * i]! >= 10) small++;
    // Expected share 0.5 / 8.5 = 0.0588; binomial σ ≈ 0.0012.
    expect(small / n).toBeGreaterThan(0.0588 - 0.006);
    expect(small / n).toBeLessThan(0.0588 + 0.006);
  });

  it('puts points inside their triangle, uniformly, with interpolated colours', () => {
    const n = 20_000;
    const s = sampleMeshSurface(mesh, n, createRng(9));
    let nearCorner = 0;
    let big = 0;
    for (let i = 0; i < n; i++) {
      const [x, y, z] = [s.positions[3 * i]!, s.positions[3 * i + 1]!, s.positions[3 * i + 2]!];
      const c = [s.colors[3 * i], s.colors[3 * i + 1], s.colors[3 * i + 2]];
      if (x < 10) {
        big++;
        expect(x >= 0 && y >= 0 && x + y <= 4 + 1e-5 && z === 0).toBe(true);
        expect(c).toEqual([255, 0, 0]);
        // The corner triangle x + y < 2 holds a quarter of the area.
        if (x + y < 2) nearCorner++;
      } else {
        expect(x - 10 >= -1e-6 && y >= 0 && x - 10 + y <= 1 + 1e-5 && z === 1).toBe(true);
        expect(c).toEqual([0, 0, 255]);
      }
    }
    expect(nearCorner / big).toBeGreaterThan(0.23);
    expect(nearCorner / big).toBeLessThan(0.27);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = sampleMeshSurface(mesh, 100, createRng(5));
    const b = sampleMeshSurface(mesh, 100, createRng(5));
    const c = sampleMeshSurface(mesh, 100, createRng(6));
    expect(a.positions).toEqual(b.positions);
    expect(a.positions).not.toEqual(c.positions);
  });

  it('interpolates colours across a triangle and reports the nearest vertex', () => {
    const tri = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), colors: new Uint8Array([0, 0, 0, 255, 0, 0, 0, 255, 0]), faces: new Uint32Array([0, 1, 2]) };
    const s = sampleMeshSurface(tri, 500, createRng(1), { withNearestVertex: true });
    for (let i = 0; i < 500; i++) {
      const x = s.positions[3 * i]!;
      const y = s.positions[3 * i + 1]!;
      expect(Math.abs(s.colors[3 * i]! - 255 * x)).toBeLessThanOrEqual(1);
      expect(Math.abs(s.colors[3 * i + 1]! - 255 * y)).toBeLessThanOrEqual(1);
      const w = [1 - x - y, x, y];
      expect(s.nearestVertex![i]).toBe(w.indexOf(Math.max(...w)));
    }
  });

  it('uses grey without colours; rejects a mesh without area', () => {
    const s = sampleMeshSurface({ positions: mesh.positions, faces: mesh.faces }, 3, createRng(1));
    expect(Array.from(s.colors)).toEqual(new Array(9).fill(128));
    const flat = { positions: new Float32Array([0, 0, 0, 1, 1, 1, 2, 2, 2]), faces: new Uint32Array([0, 1, 2]) };
    expect(() => sampleMeshSurface(flat, 10, createRng(1), { file: 'flat.ply' })).toThrow(InputError);
    expect(() => sampleMeshSurface(flat, 10, createRng(1), { file: 'flat.ply' })).toThrow(/flat\.ply: cannot sample a surface: the mesh has 1 triangles with a total area of 0/);
  });
});
