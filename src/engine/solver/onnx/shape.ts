/**
 * Static shape arithmetic for the graph builder. Every tensor has a fully known shape at build time, so shape
 * errors surface where the model is written rather than as an onnxruntime failure at the first run.
 */
export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** numpy broadcasting of any number of shapes; throws with both shapes named when they are incompatible. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!;
      const o = out[off + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[off + i] = d;
      else throw new RangeError(`shapes ${shapes.map(formatShape).join(' and ')} do not broadcast`);
    }
  }
  return out;
}

/** A possibly negative axis as a non-negative index into a shape of the given rank. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new RangeError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function normAxes(axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normAxis(a, rank));
  if (new Set(out).size !== out.length) throw new RangeError(`repeated axis in [${axes.join(', ')}]`);
  return out.sort((x, y) => x - y);
}

/**
 * The axes along which a tensor of shape `to` was broadcast to reach shape `from`: the leading extra axes and
 * every axis where `to` has 1 and `from` does not. Summing a gradient over these gives the gradient for `to`.
 */
export function broadcastAxes(from: Shape, to: Shape): number[] {
  const off = from.length - to.length;
  if (off < 0) throw new RangeError(`cannot reduce ${formatShape(from)} to the larger ${formatShape(to)}`);
  const axes: number[] = [];
  for (let i = 0; i < from.length; i++) {
    if (i < off) axes.push(i);
    else if (to[i - off] === 1 && from[i] !== 1) axes.push(i);
    else if (to[i - off] !== from[i]) throw new RangeError(`${formatShape(to)} does not broadcast to ${formatShape(from)}`);
  }
  return axes;
}

/** Resolves one -1 in a target shape against the element count of the source. */
export function resolveReshape(from: Shape, to: readonly number[]): number[] {
  const total = numel(from);
  const unknown = to.filter((d) => d === -1).length;
  if (unknown > 1) throw new RangeError(`reshape target ${formatShape(to)} has more than one -1`);
  if (to.some((d) => d < -1 || !Number.isInteger(d))) throw new RangeError(`bad reshape target ${formatShape(to)}`);
  const known = to.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const out = to.map((d) => (d === -1 ? (known === 0 ? 0 : total / known) : d));
  if (numel(out) !== total || out.some((d) => !Number.isInteger(d))) {
    throw new RangeError(`cannot reshape ${formatShape(from)} (${total} elements) to ${formatShape(to)}`);
  }
  return out;
}
