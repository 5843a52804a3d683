import { describe, expect, it } from 'vitest';
import { flatLayout, groupLayout, offsetsIn, orderCounts } from '../../../src/renderer/src/lib/qaGroups.js';

describe('QA grouping by family', () => {
  it('orders counts like a family-sorted query and drops empty families', () => {
    expect(orderCounts({ object_rel_size: 2, object_counting: 3, camera_object_distance: 0 }, false)).toEqual([
      ['object_counting', 3],
      ['object_rel_size', 2],
    ]);
    expect(orderCounts({ b: 1, a: 1 }, true)).toEqual([
      ['b', 1],
      ['a', 1],
    ]);
  });

  it('maps virtual rows to headers and result offsets', () => {
    const l = groupLayout(
      [
        ['a', 2],
        ['b', 3],
      ],
      {},
    );
    expect(l.length).toBe(7);
    expect(l.at(0)).toEqual({ kind: 'group', family: 'a', count: 2, collapsed: false });
    expect(l.at(1)).toEqual({ kind: 'row', offset: 0 });
    expect(l.at(2)).toEqual({ kind: 'row', offset: 1 });
    expect(l.at(3)).toEqual({ kind: 'group', family: 'b', count: 3, collapsed: false });
    expect(l.at(6)).toEqual({ kind: 'row', offset: 4 });
    expect(l.at(7)).toBeUndefined();
    expect(l.at(-1)).toBeUndefined();
  });

  it('hides the rows of collapsed groups but keeps their offsets', () => {
    const l = groupLayout(
      [
        ['a', 2],
        ['b', 3],
      ],
      { a: true },
    );
    expect(l.length).toBe(5);
    expect(l.at(0)).toMatchObject({ kind: 'group', family: 'a', collapsed: true });
    expect(l.at(1)).toMatchObject({ kind: 'group', family: 'b' });
    expect(l.at(2)).toEqual({ kind: 'row', offset: 2 });
  });

  it('finds the offsets a window of virtual rows needs', () => {
    const l = groupLayout(
      [
        ['a', 2],
        ['b', 3],
      ],
      {},
    );
    expect(offsetsIn(l, 0, 4)).toEqual([0, 2]);
    expect(offsetsIn(l, 3, 7)).toEqual([2, 5]);
    expect(offsetsIn(l, 0, 1)).toBeNull();
    expect(offsetsIn(flatLayout(10), 2, 5)).toEqual([2, 5]);
  });
});
