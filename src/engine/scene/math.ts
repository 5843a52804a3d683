/** Small, allocation-light vector and matrix helpers for the canonical frame (row-major matrices). */
import type { Mat3, Mat4, Vec3 } from '../../shared/scene.js';

export const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
export const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
export const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const normalize = (a: Vec3): Vec3 => {
  const n = norm(a);
  if (n === 0) throw new RangeError('cannot normalise a zero vector');
  return [a[0] / n, a[1] / n, a[2] / n];
};
export const distance = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/**
 * `Math.hypot(x, y)`, bit for bit: V8's own algorithm (builtins/math.tq: divide by the larger magnitude, sum the
 * squares with Kahan's compensation, square root, multiply back) written out for two arguments, where the
 * compensation is still zero when the second square is added. The builtin takes a rest list and is never
 * inlined: 25 ns a call against 6 here, and a scene's synthesis measures millions of distances. Same IEEE
 * operations in the same order, so every stored scene keeps its bytes (test/engine/scene/math.test.ts compares
 * it with the builtin).
 */
export function hypot(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax === Infinity || ay === Infinity) return Infinity;
  if (ax !== ax || ay !== ay) return NaN;
  const max = ax > ay ? ax : ay;
  if (max === 0) return 0;
  const a = ax / max;
  const b = ay / max;
  return Math.sqrt(a * a + b * b) * max;
}

export function mat3Column(m: Mat3, c: 0 | 1 | 2): Vec3 {
  return [m[c], m[3 + c]!, m[6 + c]!];
}

export function mat3FromColumns(x: Vec3, y: Vec3, z: Vec3): Mat3 {
  return [x[0], y[0], z[0], x[1], y[1], z[1], x[2], y[2], z[2]];
}

export function mat3MulVec(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

export function mat3Mul(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  return r as Mat3;
}

export function mat3Transpose(m: Mat3): Mat3 {
  return [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
}

export function mat3Det(m: Mat3): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** Largest deviation of MᵀM from the identity: 0 for an exactly orthonormal matrix. */
export function orthonormalityError(m: Mat3): number {
  const p = mat3Mul(mat3Transpose(m), m);
  let e = 0;
  for (let i = 0; i < 9; i++) e = Math.max(e, Math.abs(p[i]! - (i % 4 === 0 ? 1 : 0)));
  return e;
}

export function rotationZ(theta: number): Mat3 {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

export function mat4FromRotationTranslation(r: Mat3, t: Vec3): Mat4 {
  return [r[0], r[1], r[2], t[0], r[3], r[4], r[5], t[1], r[6], r[7], r[8], t[2], 0, 0, 0, 1];
}

export function mat4Rotation(m: Mat4): Mat3 {
  return [m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]];
}

export function mat4Translation(m: Mat4): Vec3 {
  return [m[3], m[7], m[11]];
}

export function mat4Mul(a: Mat4, b: Mat4): Mat4 {
  const r = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[i * 4 + k]! * b[k * 4 + j]!;
      r[i * 4 + j] = s;
    }
  return r as Mat4;
}

export function mat4TransformPoint(m: Mat4, p: Vec3): Vec3 {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

/** Inverse of a rigid transform (rotation + translation), exact up to rounding. */
export function mat4InvertRigid(m: Mat4): Mat4 {
  const rt = mat3Transpose(mat4Rotation(m));
  const t = mat3MulVec(rt, mat4Translation(m));
  return mat4FromRotationTranslation(rt, [-t[0], -t[1], -t[2]]);
}

/** Camera → world pose for a camera at `eye` looking at `target`, OpenCV axes (x right, y down, z forward). */
export function lookAtPose(eye: Vec3, target: Vec3, up: Vec3 = [0, 0, 1]): Mat4 {
  const z = normalize(sub(target, eye));
  let x = cross(z, up);
  if (norm(x) < 1e-9) x = cross(z, [0, 1, 0]);
  x = normalize(x);
  const y = cross(z, x);
  return mat4FromRotationTranslation(mat3FromColumns(x, y, z), eye);
}
