/**
 * "Company" for the synthesised gaze (trajectory.ts): from one eye position, how many other objects share an
 * object's viewing direction. The rule is the one the gaze was first written with, a scan over every pair:
 *
 *     company(j) = #{ m ≠ j : 0.3 < r_m < 6 and |wrapAngle(yaw_m − yaw_j)| < 0.35 }
 *
 * with r and yaw the horizontal range and bearing of each centre from the eye. That is frames × N², which made
 * imports of a few thousand objects take minutes. Here the bearings of the objects in range are sorted once per
 * eye position, and a count is two binary searches per angular window — O(N log N) per frame — while giving
 * exactly the pairwise scan's answer (trajectories feed every experiment, so a faster gaze must be the same gaze):
 *
 *  - a bearing more than `BAND` inside the window is counted without evaluating the rule: atan2's results lie in
 *    [−π, π], their difference is rounded by at most 2⁻⁵⁰, and wrapAngle only subtracts an exact 2π (`2 * Math.PI`
 *    is a power-of-two multiple, hence exact) with one more rounding, so the rule's result is within ~10⁻¹⁵ of the
 *    true circular difference and its floor() cannot pick another turn that far from ±π;
 *  - a bearing more than `BAND` outside the window cannot pass the rule for the same reason;
 *  - bearings within `BAND` of either edge are checked with the rule itself, expression for expression.
 *
 * Callers take min(5, company), so counting stops once `limit` is reached.
 */

/** Objects nearer or farther than these (metres, horizontally) are not counted as company. */
export const COMPANY_MIN_RANGE = 0.3;
export const COMPANY_MAX_RANGE = 6;
/** Half-width, radians, of the direction an object shares with its company. */
export const COMPANY_HALF_ANGLE = 0.35;
/** Margin, radians, around the window's edges where the rule is evaluated instead of trusted to the sort. */
const BAND = 1e-9;
const TURN = 2 * Math.PI;

/** The gaze's angle wrap, kept here so the edge checks use the very expression of the pairwise rule. */
export function wrapAngle(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}

/** The bearings of the objects in company range from one eye position, sorted, with the counting queries. */
export interface CompanyIndex {
  /**
   * min(limit, company(j)) for the object with bearing `yaw`, where `selfInRange` says whether that object is
   * itself in company range (it never counts as its own company).
   */
  count(yaw: number, selfInRange: boolean, limit: number): number;
}

/**
 * `range[m]` and `yaw[m]` are `hypot` (scene/math.ts: Math.hypot's bits) and Math.atan2 of each centre relative
 * to the eye, as the gaze computes them (bearings in [−π, π], the range of atan2, which the window shifts rely on).
 */
export function companyIndex(range: Float64Array, yaw: Float64Array): CompanyIndex {
  let n = 0;
  for (let m = 0; m < range.length; m++) if (range[m]! > COMPANY_MIN_RANGE && range[m]! < COMPANY_MAX_RANGE) n++;
  const sorted = new Float64Array(n);
  n = 0;
  for (let m = 0; m < range.length; m++) if (range[m]! > COMPANY_MIN_RANGE && range[m]! < COMPANY_MAX_RANGE) sorted[n++] = yaw[m]!;
  sorted.sort();

  /** First index whose bearing is ≥ x (or > x when `strict`). */
  const lowerBound = (x: number, strict: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = sorted[mid]!;
      if (strict ? v <= x : v < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Bearings in [a, b]. */
  const countIn = (a: number, b: number): number => (b < a ? 0 : lowerBound(b, true) - lowerBound(a, false));

  return {
    count(y: number, selfInRange: boolean, limit: number): number {
      // The pairwise rule compares with NaN, which never passes.
      if (Number.isNaN(y)) return 0;
      const inner = COMPANY_HALF_ANGLE - BAND;
      const outer = COMPANY_HALF_ANGLE + BAND;
      // The window, shifted by a turn either way, covers every bearing in [−π, π]; the three shifts are disjoint
      // because the window is far narrower than a turn, so no bearing is counted twice.
      let company = selfInRange ? -1 : 0;
      for (const k of [-1, 0, 1]) company += countIn(y - inner + k * TURN, y + inner + k * TURN);
      if (company >= limit) return limit;
      for (const k of [-1, 0, 1]) {
        const lo = y - outer + k * TURN;
        const hi = y + outer + k * TURN;
        const innerLo = y - inner + k * TURN;
        const innerHi = y + inner + k * TURN;
        // The two edge bands: [lo, innerLo) and (innerHi, hi]. The object itself has bearing y, never in a band.
        for (let i = lowerBound(lo, false); i < n && sorted[i]! < innerLo; i++) {
          if (Math.abs(wrapAngle(sorted[i]! - y)) < COMPANY_HALF_ANGLE && ++company >= limit) return limit;
        }
        for (let i = lowerBound(innerHi, true); i < n && sorted[i]! <= hi; i++) {
          if (Math.abs(wrapAngle(sorted[i]! - y)) < COMPANY_HALF_ANGLE && ++company >= limit) return limit;
        }
      }
      return company;
    },
  };
}
