/** A small stand-in scene API (prelude source) and scene for the sandbox tests. */
import type { ProgramOutcome } from '../../../../src/engine/proposer/sandbox/index.js';

export const PRELUDE = `
const objects = data.objects.map((o) => Object.freeze({ id: o.id, label: o.label, center: Object.freeze(o.center.slice()) }));
const byId = new Map(objects.map((o) => [o.id, o]));
const counter = { calls: 0 };
return {
  objects: () => objects,
  byLabel: (label) => objects.filter((o) => o.label === label),
  unique(label) {
    const found = objects.filter((o) => o.label === label);
    if (found.length !== 1) throw new Error("label '" + label + "' is not unique: " + found.length + ' objects');
    return found[0];
  },
  object(id) {
    const o = byId.get(id);
    if (!o) throw new Error('no object with id ' + id);
    return o;
  },
  distance(a, b) {
    const p = a.center, q = b.center;
    return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
  },
  // Private mutable state behind a function: the kind of thing a timeout could leave half-updated.
  bump: () => ++counter.calls,
  meta: { name: data.name, tags: ['a', 'b'] },
};
`;

export const SCENE = {
  name: 'test-room',
  objects: [
    { id: 1, label: 'chair', center: [0, 0, 0] },
    { id: 2, label: 'chair', center: [3, 4, 0] },
    { id: 3, label: 'table', center: [1, 1, 0] },
  ],
};

/** The value of a successful outcome; fails the test with the outcome's message otherwise. */
export function valueOf(o: ProgramOutcome | undefined): unknown {
  if (o === undefined) throw new Error('no outcome');
  if (!o.ok) throw new Error(`expected success, got ${o.kind}: ${o.message}`);
  return o.value;
}

export function failureOf(o: ProgramOutcome | undefined): { kind: string; message: string; line?: number } {
  if (o === undefined) throw new Error('no outcome');
  if (o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o.value)}`);
  return o;
}
