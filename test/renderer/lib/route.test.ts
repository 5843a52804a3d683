import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash, type Route } from '../../../src/renderer/src/lib/route.js';

describe('hash routes', () => {
  it('parses every view', () => {
    expect(parseHash('')).toEqual({ view: 'runs' });
    expect(parseHash('#/runs')).toEqual({ view: 'runs' });
    expect(parseHash('#/runs/abc-1')).toEqual({ view: 'runs', runId: 'abc-1' });
    expect(parseHash('#/scene/synthetic%3As1?objects=3,4&frame=2')).toEqual({ view: 'scene', sceneId: 'synthetic:s1', objects: [3, 4], frame: 2 });
    expect(parseHash('#/scene')).toEqual({ view: 'scene' });
    expect(parseHash('#/qa')).toEqual({ view: 'qa' });
    expect(parseHash('#/qa/42')).toEqual({ view: 'qa', qaId: 42 });
    expect(parseHash('#/heatmaps')).toEqual({ view: 'heatmaps' });
    expect(parseHash('#/curves')).toEqual({ view: 'curves' });
    expect(parseHash('#/replay')).toEqual({ view: 'replay' });
    expect(parseHash('#/replay/run-1?scene=synthetic%3As1&round=2')).toEqual({ view: 'replay', runId: 'run-1', sceneId: 'synthetic:s1', round: 2 });
    expect(parseHash('#/training')).toEqual({ view: 'training' });
    expect(parseHash('#/compare')).toEqual({ view: 'compare' });
    expect(parseHash('#/experiment')).toEqual({ view: 'experiment' });
    expect(parseHash('#/bench/viewer?sizes=1000000,5000000&frames=30&auto=1')).toEqual({
      view: 'bench',
      params: { sizes: '1000000,5000000', frames: '30', auto: '1' },
    });
  });

  it('falls back to runs for unknown paths and ignores malformed numbers', () => {
    expect(parseHash('#/nowhere')).toEqual({ view: 'runs' });
    expect(parseHash('#/qa/abc')).toEqual({ view: 'qa' });
    expect(parseHash('#/scene/x?frame=-1&objects=a')).toEqual({ view: 'scene', sceneId: 'x' });
    expect(parseHash('#/scene/%E0%A4%A')).toEqual({ view: 'scene', sceneId: '%E0%A4%A' });
  });

  it("reads a view's state from its query, and only when the query has some (issue 14, shareable state)", () => {
    expect(parseHash('#/qa/7?run=r%2F1&round=2&family=object_counting&scene=scannet%3Ascene0000_00&bucket=hard&verdict=accepted&answered=1&bin=1&q=big%20chair&sort=round&desc=1&group=1')).toEqual({
      view: 'qa',
      qaId: 7,
      state: {
        filter: { runId: 'r/1', round: 2, family: 'object_counting', sceneId: 'scannet:scene0000_00', bucket: 'hard', verdict: 'accepted', answered: true, bin: 1, search: 'big chair' },
        sort: { key: 'round', descending: true },
        grouping: true,
      },
    });
    // Unknown values are dropped, defaults fill what the query leaves out.
    expect(parseHash('#/qa?run=a&bucket=medium&round=x&sort=random')).toEqual({ view: 'qa', state: { filter: { runId: 'a' }, sort: { key: 'id', descending: false }, grouping: false } });
    expect(parseHash('#/heatmaps?run=a&metric=hard')).toEqual({ view: 'heatmaps', state: { runId: 'a', kind: 'family-round', metric: 'hard', family: null } });
    expect(parseHash('#/heatmaps?run=a&table=bin-round&family=object_counting')).toEqual({
      view: 'heatmaps',
      state: { runId: 'a', kind: 'bin-round', metric: 'confidence', family: 'object_counting' },
    });
    // Run ids are list items each encoded on their own: a comma inside one survives.
    expect(parseHash('#/curves?runs=a,b%2Cc&mix=')).toEqual({ view: 'curves', state: { runIds: ['a', 'b,c'], mixRunId: null } });
    expect(parseHash('#/curves?runs=')).toEqual({ view: 'curves', state: { runIds: [] } });
    expect(parseHash('#/scene/s?color=confidence&run=r')).toEqual({ view: 'scene', sceneId: 's', coloring: { color: 'confidence', runId: 'r' } });
    expect(parseHash('#/scene/s?color=purple')).toEqual({ view: 'scene', sceneId: 's' });
  });

  it('writes only what differs from the defaults, in a fixed order', () => {
    expect(formatRoute({ view: 'qa', state: { filter: { runId: 'a', family: 'f' }, sort: { key: 'id', descending: false }, grouping: false } })).toBe('#/qa?run=a&family=f');
    expect(formatRoute({ view: 'qa', qaId: 3, state: { filter: { runId: null }, sort: { key: 'confidence', descending: true }, grouping: false } })).toBe('#/qa/3?sort=confidence&desc=1');
    expect(formatRoute({ view: 'heatmaps', state: { runId: 'a', kind: 'family-round', metric: 'confidence', family: 'x' } })).toBe('#/heatmaps?run=a');
    expect(formatRoute({ view: 'curves', state: { runIds: ['b,c', 'a'], mixRunId: 'a' } })).toBe('#/curves?runs=b%2Cc,a&mix=a');
    expect(formatRoute({ view: 'scene', sceneId: 's', frame: 2, coloring: { color: 'rgb' } })).toBe('#/scene/s?frame=2');
  });

  it('round-trips through formatRoute', () => {
    const routes: Route[] = [
      { view: 'runs' },
      { view: 'replay', runId: 'run 1', sceneId: 'scannet:scene0000_00', round: 3 },
      { view: 'replay' },
      { view: 'runs', runId: 'r/1 x' },
      { view: 'scene', sceneId: 'scannet:scene0000_00', objects: [1, 2, 3], frame: 5 },
      { view: 'scene' },
      { view: 'qa', qaId: 7 },
      { view: 'qa', qaId: 7, state: { filter: { runId: 'r 1', round: 0, answered: false, search: 'a&b=c, d' }, sort: { key: 'family', descending: false }, grouping: true } },
      { view: 'heatmaps' },
      { view: 'heatmaps', state: { runId: 'r?1', kind: 'scene-family', metric: 'count', family: null } },
      { view: 'curves' },
      { view: 'curves', state: { runIds: ['a', 'b'], mixRunId: 'b' } },
      { view: 'scene', sceneId: 'x', coloring: { color: 'height' } },
      { view: 'training' },
      { view: 'compare' },
      { view: 'experiment' },
      { view: 'bench', params: { sizes: '1000000', auto: '1' } },
    ];
    for (const r of routes) expect(parseHash(formatRoute(r))).toEqual(r);
  });
});
