/**
 * Validation of the canonical scene. Every importer and the store call it, so bad data is caught at the
 * boundary with a message that names the scene, the field and what was expected.
 */
import type { InputProblem } from '../../shared/errors.js';
import { InputError } from '../../shared/errors.js';
import type { Mat3, Mat4, Scene, Vec3 } from '../../shared/scene.js';
import { mat3Det, orthonormalityError } from './math.js';

const ROTATION_TOLERANCE = 1e-3;

function checkFinite(values: ArrayLike<number>, field: string, problems: InputProblem[], file?: string): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      problems.push({ file, field: `${field}[${i}]`, message: `expected a finite number, found ${v}` });
      return false;
    }
  }
  return true;
}

function checkLength(values: ArrayLike<number> | undefined, n: number, field: string, problems: InputProblem[], file?: string): boolean {
  if (!values || typeof values.length !== 'number') {
    problems.push({ file, field, message: `expected ${n} numbers, found ${values === undefined ? 'nothing' : typeof values}` });
    return false;
  }
  if (values.length !== n) {
    problems.push({ file, field, message: `expected ${n} numbers, found ${values.length}` });
    return false;
  }
  return true;
}

export function checkVec3(v: Vec3 | undefined, field: string, problems: InputProblem[], file?: string): boolean {
  return checkLength(v, 3, field, problems, file) && checkFinite(v!, field, problems, file);
}

export function checkRotation(m: Mat3 | undefined, field: string, problems: InputProblem[], file?: string): boolean {
  if (!checkLength(m, 9, field, problems, file) || !checkFinite(m!, field, problems, file)) return false;
  const err = orthonormalityError(m!);
  if (err > ROTATION_TOLERANCE) {
    problems.push({ file, field, message: `expected an orthonormal rotation, found |RᵀR − I| = ${err.toExponential(2)}` });
    return false;
  }
  const det = mat3Det(m!);
  if (det < 0) {
    problems.push({ file, field, message: `expected a proper rotation (det = +1), found a reflection (det = ${det.toFixed(3)})` });
    return false;
  }
  return true;
}

function checkRigid(m: Mat4 | undefined, field: string, problems: InputProblem[], file?: string): boolean {
  if (!checkLength(m, 16, field, problems, file) || !checkFinite(m!, field, problems, file)) return false;
  const r: Mat3 = [m![0], m![1], m![2], m![4], m![5], m![6], m![8], m![9], m![10]];
  if (!checkRotation(r, `${field} (rotation part)`, problems, file)) return false;
  if (m![12] !== 0 || m![13] !== 0 || m![14] !== 0 || m![15] !== 1) {
    problems.push({ file, field, message: 'expected a last row of [0, 0, 0, 1]' });
    return false;
  }
  return true;
}

/** A plain object to read fields from (not null, not an array, not a typed array). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Longest scene id accepted (ids are shown in tables, logs and URLs). */
export const MAX_SCENE_ID_LENGTH = 256;

/** All problems of a scene; an empty list means valid. */
export function sceneProblems(scene: Scene, file?: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (f: string): string => `${scene.id}.${f}`;
  if (typeof scene.id !== 'string' || scene.id === '') problems.push({ file, field: 'id', message: 'expected a non-empty scene id (a string)' });
  // Ids are printed in terminals, logs and URLs: no control characters (NUL, ANSI escapes, line breaks) and a
  // length a table can show. Every dataset's ids are far shorter (ScanNet 12, ARKitScenes 8 characters).
  else if (scene.id.length > MAX_SCENE_ID_LENGTH) {
    problems.push({ file, field: 'id', message: `expected a scene id of at most ${MAX_SCENE_ID_LENGTH} characters, found one of ${scene.id.length}` });
  } else if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(scene.id)) {
    problems.push({ file, field: 'id', message: 'expected a scene id without control characters (NUL, escapes, line breaks)' });
  }
  if (typeof scene.dataset !== 'string' || scene.dataset === '') problems.push({ file, field: at('dataset'), message: 'expected a non-empty dataset name' });
  // Every level is checked for its shape before its values are read: a scene built by hand (or a damaged file's
  // JSON) may hold null or a number where an object belongs, and that must be a problem named here, not a TypeError.
  const prov = scene.provenance as unknown;
  if (!isRecord(prov)) problems.push({ file, field: at('provenance'), message: 'expected the provenance record' });
  else {
    if (typeof prov.source !== 'string' || typeof prov.sourceId !== 'string') problems.push({ file, field: at('provenance.source'), message: 'expected source and sourceId strings' });
    for (const k of ['files', 'synthesised', 'warnings'] as const) {
      if (!isStringList(prov[k])) problems.push({ file, field: at(`provenance.${k}`), message: 'expected a list of strings' });
    }
    if (!isRecord(prov.conversion)) problems.push({ file, field: at('provenance.conversion'), message: 'expected the conversion record' });
    if (!isRecord(prov.seeds)) problems.push({ file, field: at('provenance.seeds'), message: 'expected a record of seeds' });
  }
  if (!Array.isArray(scene.objects)) {
    problems.push({ file, field: at('objects'), message: 'expected an array of objects' });
    return problems;
  }
  const bad = scene.objects.findIndex((o) => !isRecord(o));
  if (bad >= 0) {
    problems.push({ file, field: at(`objects[${bad}]`), message: 'expected an object record' });
    return problems;
  }
  if (scene.objects.length === 0 && !scene.points) {
    problems.push({ file, field: at('objects'), message: 'empty scene: expected at least one object or a point cloud' });
  }
  const ids = new Set<number>();
  scene.objects.forEach((o, i) => {
    const f = `objects[${i}]`;
    if (!Number.isInteger(o.id)) problems.push({ file, field: at(`${f}.id`), message: `expected an integer id, found ${o.id}` });
    else if (ids.has(o.id)) problems.push({ file, field: at(`${f}.id`), message: `duplicate object id ${o.id}` });
    ids.add(o.id);
    if (typeof o.label !== 'string' || o.label.trim() === '') problems.push({ file, field: at(`${f}.label`), message: 'expected a non-empty label' });
    if (o.pointIndices !== undefined && !(o.pointIndices instanceof Uint32Array)) {
      problems.push({ file, field: at(`${f}.pointIndices`), message: 'expected a Uint32Array of point indices' });
    }
    if (!isRecord(o.box)) {
      problems.push({ file, field: at(`${f}.box`), message: 'expected an oriented box' });
      return;
    }
    checkVec3(o.box.center, at(`${f}.box.center`), problems, file);
    if (checkVec3(o.box.extents, at(`${f}.box.extents`), problems, file)) {
      o.box.extents.forEach((e, k) => {
        if (!(e > 0)) problems.push({ file, field: at(`${f}.box.extents[${k}]`), message: `expected a positive extent (metres), found ${e}` });
      });
    }
    checkRotation(o.box.rotation, at(`${f}.box.rotation`), problems, file);
  });

  const room = scene.room;
  if (!isRecord(room)) problems.push({ file, field: at('room'), message: 'expected a room' });
  else {
    if (!(Number.isFinite(room.area) && room.area > 0)) problems.push({ file, field: at('room.area'), message: `expected a positive floor area in m², found ${room.area}` });
    checkVec3(room.center, at('room.center'), problems, file);
    if (room.bounds !== undefined && !isRecord(room.bounds)) problems.push({ file, field: at('room.bounds'), message: 'expected {min, max}' });
    else if (room.bounds) {
      const okMin = checkVec3(room.bounds.min, at('room.bounds.min'), problems, file);
      const okMax = checkVec3(room.bounds.max, at('room.bounds.max'), problems, file);
      if (okMin && okMax && room.bounds.min.some((v, k) => !(v < room.bounds!.max[k]!))) {
        problems.push({ file, field: at('room.bounds'), message: 'expected min < max on every axis' });
      }
    }
  }

  if (scene.points !== undefined && !isRecord(scene.points)) {
    problems.push({ file, field: at('points'), message: 'expected a point cloud {positions, colors, objectIds?}' });
  } else if (scene.points) {
    const p = scene.points;
    const f = at('points');
    if (!(p.positions instanceof Float32Array)) problems.push({ file, field: `${f}.positions`, message: 'expected a Float32Array' });
    else if (p.positions.length % 3 !== 0) problems.push({ file, field: `${f}.positions`, message: `expected a length divisible by 3, found ${p.positions.length}` });
    else {
      const n = p.positions.length / 3;
      for (let i = 0; i < p.positions.length; i++) {
        if (!Number.isFinite(p.positions[i]!)) {
          problems.push({ file, field: `${f}.positions[${i}]`, message: `expected a finite coordinate, found ${p.positions[i]} (point ${Math.floor(i / 3)})` });
          break;
        }
      }
      if (!(p.colors instanceof Uint8Array) || p.colors.length !== 3 * n) {
        problems.push({ file, field: `${f}.colors`, message: `expected a Uint8Array of ${3 * n} values (rgb per point)` });
      }
      if (p.objectIds !== undefined) {
        if (!(p.objectIds instanceof Int32Array) || p.objectIds.length !== n) {
          problems.push({ file, field: `${f}.objectIds`, message: `expected an Int32Array of ${n} values` });
        } else {
          for (let i = 0; i < n; i++) {
            const id = p.objectIds[i]!;
            if (id !== -1 && !ids.has(id)) {
              problems.push({ file, field: `${f}.objectIds[${i}]`, message: `refers to object id ${id}, which the scene does not have` });
              break;
            }
          }
        }
      }
      scene.objects.forEach((o, i) => {
        if (!(o.pointIndices instanceof Uint32Array)) return;
        for (const idx of o.pointIndices) {
          if (idx >= n) {
            problems.push({ file, field: at(`objects[${i}].pointIndices`), message: `index ${idx} is past the point cloud's ${n} points` });
            break;
          }
        }
      });
    }
  }

  if (scene.trajectory !== undefined && !Array.isArray(scene.trajectory)) {
    problems.push({ file, field: at('trajectory'), message: 'expected a list of camera frames' });
  } else if (scene.trajectory) {
    let last = -Infinity;
    scene.trajectory.forEach((fr, i) => {
      const f = at(`trajectory[${i}]`);
      if (!isRecord(fr)) {
        problems.push({ file, field: f, message: 'expected a camera frame record' });
        return;
      }
      if (!Number.isFinite(fr.timestamp)) problems.push({ file, field: `${f}.timestamp`, message: `expected a finite time, found ${fr.timestamp}` });
      else if (fr.timestamp < last) problems.push({ file, field: `${f}.timestamp`, message: `expected non-decreasing timestamps, found ${fr.timestamp} after ${last}` });
      last = fr.timestamp;
      checkRigid(fr.pose, `${f}.pose`, problems, file);
      const k = fr.intrinsics;
      if (!isRecord(k) || ![k.fx, k.fy, k.cx, k.cy].every(Number.isFinite) || !(k.fx > 0 && k.fy > 0)) {
        problems.push({ file, field: `${f}.intrinsics`, message: 'expected finite intrinsics with fx, fy > 0' });
      }
      if (!(Number.isInteger(fr.width) && fr.width > 0 && Number.isInteger(fr.height) && fr.height > 0)) {
        problems.push({ file, field: `${f}.width/height`, message: `expected a positive integer image size, found ${fr.width}×${fr.height}` });
      }
      if (fr.imageBlob !== undefined && !(typeof fr.imageBlob === 'string' && /^[0-9a-f]{64}$/.test(fr.imageBlob))) {
        problems.push({ file, field: `${f}.imageBlob`, message: 'expected the SHA-256 of the frame\'s image as 64 lowercase hex digits' });
      }
    });
  }
  return problems;
}

export function assertValidScene(scene: Scene, file?: string): Scene {
  const problems = sceneProblems(scene, file);
  if (problems.length > 0) throw new InputError(problems);
  return scene;
}
