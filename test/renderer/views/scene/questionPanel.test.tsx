/**
 * Question context in the scene (issue 14): the route's question, its overlay and the styled roles and measures
 * in a server-side render against the fake API (whose questions carry each family's named objects and args), the
 * QA store's stepping through the filtered list, and the address keeping the question and the resting frame.
 */
import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash, questionSceneRoute, type Route } from '../../../../src/renderer/src/lib/route.js';
import { offsetOfQa, QA_PAGE_SIZE, questionRecord } from '../../../../src/renderer/src/state/qaStore.js';
import { type Stores } from '../../../../src/renderer/src/state/stores.js';
import { questionContext } from '../../../../src/renderer/src/views/scene/QuestionPanel.js';
import { SceneView } from '../../../../src/renderer/src/views/scene/SceneView.js';
import type { QaRecord } from '../../../../src/shared/records.js';
import { flush, makeScene } from '../../fakeApi.js';
import { failOnConsoleErrors } from '../../../helpers/consoleGuard.js';
import { renderLive, startedStores } from '../../viewHarness.js';

failOnConsoleErrors();

const started = startedStores;
const render = (stores: Stores): string => renderLive(stores, <SceneView />);

/** Text of the element carrying the test id (tags stripped). */
function textOf(html: string, testId: string): string | undefined {
  const m = html.match(new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</(dd|p|span|div)>`));
  return m?.[1]?.replace(/<[^>]+>/g, '').replace(/<!-- -->/g, '');
}

/** The 3D labels (DOM over the canvas) as [text, role] pairs. */
const labels = (html: string): [string, string | undefined][] =>
  [...html.matchAll(/<div class="scene-label[^"]*" data-label="([^"]+)"(?: data-role="([^"]*)")?(?: data-value="[^"]*")?>([^<]*)<\/div>/g)].map((m) => [m[3]!, m[2]]);

describe('question context in the scene', () => {
  it('the route carries the question; questionSceneRoute goes to its scene and frame', () => {
    expect(parseHash('#/scene/synthetic%3As1?qa=12&frame=3')).toEqual({ view: 'scene', sceneId: 'synthetic:s1', qa: 12, frame: 3 });
    expect(parseHash('#/scene/x?qa=-2')).toEqual({ view: 'scene', sceneId: 'x' });
    expect(formatRoute(questionSceneRoute({ id: 12, sceneId: 'synthetic:s1', frame: 3 }))).toBe('#/scene/synthetic%3As1?qa=12&frame=3');
    expect(formatRoute(questionSceneRoute({ id: 7, sceneId: 's', frame: null }))).toBe('#/scene/s?qa=7');
  });

  it('relative distance: overlay text, reference and candidates styled apart, others not, one measured segment per candidate', async () => {
    const { api, stores, stop } = await started();
    const q = api.qa.find((r) => r.runId === 'run-b' && r.family === 'object_rel_distance' && r.prediction !== null)!;
    stores.app.getState().navigate(questionSceneRoute(q));
    await flush(30);
    // The question is the explorer's selection, so its list is the one to step through.
    expect(stores.qa.getState().selectedId).toBe(q.id);
    const html = render(stores);
    expect(html).toContain(`data-testid="question-overlay" data-qa-id="${q.id}"`);
    expect(textOf(html, 'question-text')).toBe(q.question.replace(/"/g, '&quot;'));
    expect(textOf(html, 'question-truth')).toBe('A');
    expect(textOf(html, 'question-prediction')).toBe(q.prediction);
    expect(textOf(html, 'question-confidence')).toContain(q.confidence!.toFixed(3));
    const at = html.indexOf('data-testid="question-roles"');
    const roles = html.slice(at, html.indexOf('</aside>', at)).replace(/<[^>]+>/g, '').replace(/<!-- -->/g, '');
    expect(roles).toContain('reference: bed');
    expect(roles).toContain('candidates: chair, table, sofa');
    const l = labels(html);
    expect(l.find(([t]) => t === 'bed')?.[1]).toBe('reference');
    for (const c of ['chair', 'table', 'sofa']) expect(l.find(([t]) => t === c)?.[1]).toBe('candidate');
    // lamp and tv are in the scene but not in the question.
    expect(l.find(([t]) => t === 'lamp')?.[1]).toBeUndefined();
    const distances = l.filter(([, r]) => r === 'distance').map(([t]) => t);
    expect(distances.map((t) => t.split(' ')[0])).toEqual(['chair', 'table', 'sofa']);
    expect(distances.every((t) => / \d+\.\d\d m$/.test(t))).toBe(true);
    // The question's objects are the highlighted ones.
    const ids = makeScene('synthetic:s1').objects.filter((o) => ['bed', 'chair', 'table', 'sofa'].includes(o.label)).map((o) => o.id);
    expect([...stores.scene.getState().highlight].sort()).toEqual(ids.sort());
    stop();
  });

  it('absolute distance: the segment is labelled with the program result', async () => {
    const { api, stores, stop } = await started();
    const q = api.qa.find((r) => r.runId === 'run-b' && r.family === 'object_abs_distance')!;
    stores.app.getState().navigate(questionSceneRoute(q));
    await flush(30);
    const l = labels(render(stores));
    expect(l.filter(([, r]) => r === 'distance').map(([t]) => t)).toEqual([`${Number(q.programResult).toFixed(2)} m`]);
    expect(l.filter(([, r]) => r === 'candidate').map(([t]) => t).sort()).toEqual(['bed', 'table']);
    stop();
  });

  it('direction: standing-by and facing objects are references, the queried one the candidate, the angle labelled', () => {
    const scene = makeScene('s', 4, 2);
    const record = { id: 1, family: 'object_rel_direction_hard', named: [], args: { standingBy: 'bed', facing: 'table', query: 'sofa' }, frame: null, programResult: 'back-left' } as unknown as QaRecord;
    const ctx = questionContext(record, scene);
    const id = (label: string): number => scene.objects.find((o) => o.label === label)!.id;
    expect(ctx.byId.get(id('bed'))).toBe('reference');
    expect(ctx.byId.get(id('table'))).toBe('reference');
    expect(ctx.byId.get(id('sofa'))).toBe('candidate');
    expect(ctx.byId.has(id('chair'))).toBe(false);
    expect(ctx.marks!.arrows.map((a) => a.kind)).toEqual(['facing', 'target']);
    expect(ctx.marks!.angle!.label).toMatch(/^\d+° (left|right)$/);
    // The camera frames the question: its three boxes and the arrows.
    expect(ctx.focus.boxes).toHaveLength(3);
  });

  it('a record comes from the loaded rows, else from the loaded detail', () => {
    const row = { id: 5 } as QaRecord;
    expect(questionRecord({ pages: { 0: [row] }, detail: null }, 5)).toBe(row);
    const other = { id: 9 } as QaRecord;
    expect(questionRecord({ pages: {}, detail: { qa: other, outputs: [], objectIds: [] } }, 9)).toBe(other);
    expect(questionRecord({ pages: {}, detail: null }, 9)).toBeNull();
  });

  it("Next and Previous step through the explorer's filtered list, loading the next page when needed, and stop at its ends", async () => {
    const { stores, stop } = await started();
    stores.qa.getState().setFilter({ runId: 'run-a' });
    await flush(20);
    const qa = stores.qa.getState();
    const first = qa.pages[0]![0]!;
    const last = qa.pages[0]![QA_PAGE_SIZE - 1]!;
    expect(await qa.neighbour(first.id, -1)).toBeNull();
    expect((await qa.neighbour(first.id, 1))?.id).toBe(qa.pages[0]![1]!.id);
    // Across the page boundary: page 1 is loaded for it.
    expect(stores.qa.getState().pages[1]).toBeUndefined();
    const next = await stores.qa.getState().neighbour(last.id, 1);
    expect(next?.id).toBe(stores.qa.getState().pages[1]![0]!.id);
    expect(offsetOfQa(stores.qa.getState(), next!.id)).toBe(QA_PAGE_SIZE);
    // Filtered: the neighbour is the next row of the filter, not the next id.
    stores.qa.getState().setFilter({ family: 'object_rel_distance' });
    await flush(20);
    const rows = stores.qa.getState().pages[0]!;
    expect(rows.every((r) => r.family === 'object_rel_distance')).toBe(true);
    expect((await stores.qa.getState().neighbour(rows[0]!.id, 1))?.id).toBe(rows[1]!.id);
    expect(await stores.qa.getState().neighbour(rows.at(-1)!.id, 1)).toBeNull();
    expect(await stores.qa.getState().neighbour(999_999, 1)).toBeNull();
    stop();
  });

  it('the address keeps the question and writes the frame back once it rests, not while playing', async () => {
    const { api, stores, stop } = await started();
    const q = api.qa.find((r) => r.runId === 'run-b' && r.family === 'camera_object_distance')!;
    const scene = encodeURIComponent(q.sceneId);
    stores.app.getState().navigate(questionSceneRoute(q));
    await flush(30);
    const route = (): Route => stores.app.getState().route;
    expect(stores.scene.getState().frame).toBe(q.frame);
    expect(formatRoute(route())).toBe(`#/scene/${scene}?qa=${q.id}&frame=${q.frame}`);
    const other = q.frame === 3 ? 2 : 3;
    await stores.scene.getState().setFrame(other);
    await flush();
    expect(formatRoute(route())).toBe(`#/scene/${scene}?qa=${q.id}&frame=${other}`);
    stores.scene.getState().setPlaying(true);
    await stores.scene.getState().setFrame(1);
    expect(formatRoute(route())).toContain(`frame=${other}`);
    stores.scene.getState().setPlaying(false);
    expect(formatRoute(route())).toContain('frame=1');
    // Frame 0 is the default: the address leaves it out.
    await stores.scene.getState().setFrame(0);
    expect(formatRoute(route())).toBe(`#/scene/${scene}?qa=${q.id}`);
    stop();
  });
});
