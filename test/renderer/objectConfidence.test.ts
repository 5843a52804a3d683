import { describe, expect, it } from 'vitest';
import { confidenceMeans, objectConfidence, objectIdsFromExtra } from '../../src/renderer/src/views/scene/objectConfidence.js';

describe('per-object confidence', () => {
  it('reads object ids from a QA extra in the shapes the proposer may use', () => {
    expect(objectIdsFromExtra({ objectIds: [1, 2] })).toEqual([1, 2]);
    expect(objectIdsFromExtra({ objects: [{ id: 4, label: 'chair' }, { id: 5 }] })).toEqual([4, 5]);
    expect(objectIdsFromExtra({ objectId: 9 })).toEqual([9]);
    expect(objectIdsFromExtra({ objects: ['chair'] })).toBeNull();
    expect(objectIdsFromExtra({ args: { label: 'chair' } })).toBeNull();
    expect(objectIdsFromExtra(null)).toBeNull();
  });

  it('averages the confidence of answered QA naming each object', () => {
    const m = objectConfidence([
      { confidence: 0.2, objectIds: [1, 2] },
      { confidence: 0.6, objectIds: [1] },
      { confidence: null, objectIds: [1, 3] },
      { confidence: 0.9, objectIds: [2, 2] },
    ]);
    expect(m.get(1)!.mean).toBeCloseTo(0.4);
    expect(m.get(1)!.n).toBe(2);
    expect(m.get(2)!.mean).toBeCloseTo(0.55);
    expect(m.get(2)!.n).toBe(2);
    expect(m.has(3)).toBe(false);
    expect(confidenceMeans(m).get(1)).toBeCloseTo(0.4);
  });
});
