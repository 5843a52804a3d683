/**
 * The measuring tool's picking: the cloud point a click meant. Among points within a small angle of the
 * click's ray (a few pixels on screen), the nearest to the camera wins, so a click on a surface picks that
 * surface and not what lies behind it. One pass over the positions, no allocation.
 */

/**
 * `o`: ray origin (the camera), `d`: unit direction; `tanTol`: tangent of the angular tolerance. Returns the
 * point's index, or −1 when no point is within the tolerance in front of the camera.
 */
export function pickPoint(positions: Float32Array, count: number, o: readonly [number, number, number], d: readonly [number, number, number], tanTol: number): number {
  let best = -1;
  let bestT = Infinity;
  const tol2 = tanTol * tanTol;
  for (let i = 0; i < count; i++) {
    const px = positions[3 * i]! - o[0];
    const py = positions[3 * i + 1]! - o[1];
    const pz = positions[3 * i + 2]! - o[2];
    const t = px * d[0] + py * d[1] + pz * d[2];
    if (t <= 0 || t >= bestT) continue;
    // Squared distance from the ray, compared with the tolerance cone's radius at depth t.
    const r2 = px * px + py * py + pz * pz - t * t;
    if (r2 <= tol2 * t * t) {
      best = i;
      bestT = t;
    }
  }
  return best;
}

export function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!);
}
