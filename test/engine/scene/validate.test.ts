import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import type { Scene } from '../../../src/shared/scene.js';
import { IDENTITY3, IDENTITY4 } from '../../../src/shared/scene.js';
import { rotationZ } from '../../../src/engine/scene/math.js';
import { assertValidScene, sceneProblems } from '../../../src/engine/scene/validate.js';

function scene(): Scene {
  return {
    id: 'test:valid',
    dataset: 'test',
    objects: [
      { id: 0, label: 'chair', rawLabel: 'Chair', box: { center: [0, 0, 0.5], extents: [0.5, 0.5, 1], rotation: [...IDENTITY3] } },
      { id: 1, label: 'table', rawLabel: 'table', box: { center: [1, 0, 0.4], extents: [1, 1, 0.8], rotation: rotationZ(0.3) } },
    ],
    room: { area: 20, center: [0, 0, 1.5], bounds: { min: [-2, -2, 0], max: [3, 2, 3] } },
    points: { positions: new Float32Array([0, 0, 0, 1, 0, 0]), colors: new Uint8Array(6), objectIds: new Int32Array([0, -1]) },
    trajectory: [
      { index: 0, timestamp: 0, pose: [...IDENTITY4], intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 }, width: 640, height: 480 },
      { index: 1, timestamp: 0.5, pose: [...IDENTITY4], intrinsics: { fx: 500, fy: 500, cx: 320, cy: 240 }, width: 640, height: 480 },
    ],
    provenance: {
      source: 'synthetic',
      sourceId: 'valid',
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: [...IDENTITY4], notes: [] },
      synthesised: [],
      seeds: {},
      warnings: [],
    },
  };
}

const messages = (s: Scene): string[] => sceneProblems(s, 'scene.json').map((p) => `${p.field}: ${p.message}`);

describe('scene validation', () => {
  it('accepts a valid scene', () => {
    expect(sceneProblems(scene())).toEqual([]);
    // Ids reach terminals, logs and URLs: control characters and absurd lengths are refused.
    expect(messages({ ...scene(), id: 'a\u001b[2Jb' })).toEqual(['id: expected a scene id without control characters (NUL, escapes, line breaks)']);
    expect(messages({ ...scene(), id: 'nul\u0000' })).toEqual(['id: expected a scene id without control characters (NUL, escapes, line breaks)']);
    expect(messages({ ...scene(), id: 'x'.repeat(100_000) })).toEqual(['id: expected a scene id of at most 256 characters, found one of 100000']);
    expect(sceneProblems({ ...scene(), id: 'ünïcode: 場面 0' })).toEqual([]);
    expect(assertValidScene(scene())).toBeDefined();
  });

  it('rejects NaN and infinities, naming the field', () => {
    const s = scene();
    s.objects[1]!.box.center[2] = Number.NaN;
    s.points!.positions[4] = Number.POSITIVE_INFINITY;
    expect(messages(s)).toEqual(['test:valid.objects[1].box.center[2]: expected a finite number, found NaN', 'test:valid.points.positions[4]: expected a finite coordinate, found Infinity (point 1)']);
  });

  it('rejects zero and negative extents', () => {
    const s = scene();
    s.objects[0]!.box.extents = [0.5, 0, -1];
    expect(messages(s)).toEqual([
      'test:valid.objects[0].box.extents[1]: expected a positive extent (metres), found 0',
      'test:valid.objects[0].box.extents[2]: expected a positive extent (metres), found -1',
    ]);
  });

  it('rejects non-orthonormal rotations and reflections', () => {
    const s = scene();
    s.objects[0]!.box.rotation = [1.1, 0, 0, 0, 1, 0, 0, 0, 1];
    s.objects[1]!.box.rotation = [1, 0, 0, 0, 1, 0, 0, 0, -1];
    const m = messages(s);
    expect(m[0]).toMatch(/^test:valid\.objects\[0\]\.box\.rotation: expected an orthonormal rotation, found \|RᵀR − I\| = 2\.\d+e-1$/);
    expect(m[1]).toBe('test:valid.objects[1].box.rotation: expected a proper rotation (det = +1), found a reflection (det = -1.000)');
  });

  it('rejects empty scenes and duplicate ids', () => {
    const empty = { ...scene(), objects: [], points: undefined } as Scene;
    expect(messages(empty)).toEqual(['test:valid.objects: empty scene: expected at least one object or a point cloud']);
    const dup = scene();
    dup.objects[1]!.id = 0;
    expect(messages(dup)).toEqual(['test:valid.objects[1].id: duplicate object id 0']);
  });

  it('rejects dangling point → object references and out-of-range point indices', () => {
    const s = scene();
    s.points!.objectIds![1] = 7;
    s.objects[0]!.pointIndices = new Uint32Array([0, 5]);
    expect(messages(s)).toEqual([
      'test:valid.points.objectIds[1]: refers to object id 7, which the scene does not have',
      "test:valid.objects[0].pointIndices: index 5 is past the point cloud's 2 points",
    ]);
  });

  it('rejects a bad room and bad trajectory frames', () => {
    const s = scene();
    s.room.area = 0;
    s.room.bounds = { min: [0, 0, 0], max: [0, 1, 1] };
    s.trajectory![1]!.timestamp = -1;
    s.trajectory![0]!.pose[0] = 2;
    s.trajectory![1]!.intrinsics.fx = 0;
    const m = messages(s);
    expect(m).toContain('test:valid.room.area: expected a positive floor area in m², found 0');
    expect(m).toContain('test:valid.room.bounds: expected min < max on every axis');
    expect(m).toContain('test:valid.trajectory[1].timestamp: expected non-decreasing timestamps, found -1 after 0');
    expect(m.some((x) => x.startsWith('test:valid.trajectory[0].pose (rotation part): expected an orthonormal rotation'))).toBe(true);
    expect(m).toContain('test:valid.trajectory[1].intrinsics: expected finite intrinsics with fx, fy > 0');
  });

  it('throws one InputError listing every problem with the file', () => {
    const s = scene();
    s.objects[0]!.box.extents[0] = 0;
    s.room.area = Number.NaN;
    try {
      assertValidScene(s, 'scenes/a.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).problems).toHaveLength(2);
      expect((e as InputError).message.split('\n')[0]).toBe('scenes/a.json: test:valid.objects[0].box.extents[0]: expected a positive extent (metres), found 0');
    }
  });
});
