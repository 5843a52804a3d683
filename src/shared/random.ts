/**
 * Seeded randomness. Every random choice in the product goes through an `Rng` made from a recorded seed, so a
 * run can be reproduced bit for bit. sfc32: small state, fast, passes PractRand to 2^42+, and identical on
 * every JS engine because it uses only 32-bit integer ops.
 */
export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: T[]): T[];
  /** An independent stream derived from this seed and a name; the parent's state is untouched. */
  fork(name: string): Rng;
}

/** FNV-1a over a string, mixed with a seed; used to derive named sub-seeds. */
export function hashSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * sfc32 as a class: its methods live on the prototype. Made as an object of closures, every createRng paid for
 * ten fresh functions — and under tsx (esbuild's keepNames) a defineProperty for each one's name, 3.6% of a
 * proposer round's CPU profile for the naming alone, since the proposer makes one generator per drafted question.
 */
class Sfc32 implements Rng {
  /**
   * a, b, c, d in an Int32Array, not four fields: the state words use all 32 bits, past V8's small-integer range,
   * so as fields each was a boxed double read and written per draw (8.7 ns a draw against 1.6 ns here).
   */
  private readonly s = new Int32Array(4);
  private spare: number | undefined;

  constructor(readonly seed: number) {
    const s = this.s;
    s[0] = 0x9e3779b9;
    s[1] = 0x243f6a88;
    s[2] = 0xb7e15162;
    s[3] = seed;
    for (let i = 0; i < 15; i++) this.raw();
  }

  private raw(): number {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.raw() / 4294967296;
  }

  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`int(n) needs n > 0, got ${n}`);
    return Math.floor((this.raw() / 4294967296) * n);
  }

  range(lo: number, hi: number): number {
    return lo + (this.raw() / 4294967296) * (hi - lo);
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.raw() / 4294967296;
    const v = this.raw() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  chance(p: number): boolean {
    return this.raw() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[this.int(items.length)] as T;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  fork(name: string): Rng {
    return createRng(hashSeed(this.seed, name));
  }
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  }
  return new Sfc32(seed);
}
