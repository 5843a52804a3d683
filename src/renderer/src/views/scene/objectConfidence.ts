/**
 * Per-object solver confidence: the mean confidence of the answered QA that name the object. Which objects a
 * QA names comes from its `extra` when the proposer recorded ids there, else from `getQa(id).objectIds`.
 */
import type { JsonObject, JsonValue } from '../../../../shared/records.js';

function intList(v: JsonValue | undefined): number[] | null {
  if (typeof v === 'number' && Number.isInteger(v)) return [v];
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const x of v) {
    if (typeof x === 'number' && Number.isInteger(x)) out.push(x);
    else if (x && typeof x === 'object' && !Array.isArray(x) && typeof x.id === 'number') out.push(x.id);
    else return null;
  }
  return out;
}

/** Object ids a QA's `extra` names (`objectIds`, `objects`, `objectId`), or null when it does not say. */
export function objectIdsFromExtra(extra: JsonObject | null | undefined): number[] | null {
  if (!extra) return null;
  for (const key of ['objectIds', 'objects', 'objectId']) {
    const ids = intList(extra[key]);
    if (ids) return ids;
  }
  return null;
}

export interface ObjectConfidence {
  mean: number;
  n: number;
}

/** Mean confidence per object over the samples; samples without a confidence are skipped. */
export function objectConfidence(samples: Iterable<{ confidence: number | null; objectIds: readonly number[] }>): Map<number, ObjectConfidence> {
  const sum = new Map<number, { s: number; n: number }>();
  for (const { confidence, objectIds } of samples) {
    if (confidence === null || !Number.isFinite(confidence)) continue;
    for (const id of new Set(objectIds)) {
      const acc = sum.get(id) ?? { s: 0, n: 0 };
      acc.s += confidence;
      acc.n += 1;
      sum.set(id, acc);
    }
  }
  const out = new Map<number, ObjectConfidence>();
  for (const [id, { s, n }] of sum) out.set(id, { mean: s / n, n });
  return out;
}

export function confidenceMeans(m: ReadonlyMap<number, ObjectConfidence>): Map<number, number> {
  return new Map([...m].map(([id, v]) => [id, v.mean]));
}
