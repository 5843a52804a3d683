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

  it('round-trips through formatRoute', () => {
    const routes: Route[] = [
      { view: 'runs' },
      { view: 'runs', runId: 'r/1 x' },
      { view: 'scene', sceneId: 'scannet:scene0000_00', objects: [1, 2, 3], frame: 5 },
      { view: 'scene' },
      { view: 'qa', qaId: 7 },
      { view: 'heatmaps' },
      { view: 'curves' },
      { view: 'training' },
      { view: 'compare' },
      { view: 'experiment' },
      { view: 'bench', params: { sizes: '1000000', auto: '1' } },
    ];
    for (const r of routes) expect(parseHash(formatRoute(r))).toEqual(r);
  });
});
