import { describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../../../src/renderer/src/state/appStore.js';
import { FakeApi } from '../fakeApi.js';

describe('app store', () => {
  it('loads host info', async () => {
    const app = createAppStore(new FakeApi());
    await app.getState().loadInfo();
    expect(app.getState().info?.workspaceDir).toBe('/tmp/ws');
    expect(app.getState().infoError).toBeNull();
  });

  it('shows a rejected info call as a banner with its message', async () => {
    const api = new FakeApi();
    api.failNext('info', 'connection refused');
    const app = createAppStore(api);
    await app.getState().loadInfo();
    expect(app.getState().infoError).toBe('connection refused');
    expect(app.getState().errors).toMatchObject([{ context: 'Connecting to the workbench host', message: 'connection refused' }]);
  });

  it('keeps at most five banners, collapses immediate repeats, dismisses by id', () => {
    const app = createAppStore(new FakeApi());
    const s = app.getState();
    s.reportError('A', new Error('x'));
    s.reportError('A', new Error('x'));
    expect(app.getState().errors).toHaveLength(1);
    for (let i = 0; i < 8; i++) s.reportError('B', `problem ${i}`);
    expect(app.getState().errors).toHaveLength(5);
    expect(app.getState().errors.at(-1)!.message).toBe('problem 7');
    s.dismissError(app.getState().errors[0]!.id);
    expect(app.getState().errors).toHaveLength(4);
    s.reportError('C', { message: 'plain object' });
    expect(app.getState().errors.at(-1)!.message).toBe('plain object');
    s.clearErrors();
    expect(app.getState().errors).toEqual([]);
  });

  it('shows one banner for one cause: the same message from a sibling request does not add another (issue 14, item 13)', () => {
    const app = createAppStore(new FakeApi());
    const s = app.getState();
    s.reportError('Loading scene x', new Error('no scene "x" in /ws/workbench.db'));
    s.reportError('Loading the point cloud of x', new Error('no scene "x" in /ws/workbench.db'));
    expect(app.getState().errors).toMatchObject([{ context: 'Loading scene x', message: 'no scene "x" in /ws/workbench.db' }]);
    // Once dismissed, the failure may show again.
    s.dismissError(app.getState().errors[0]!.id);
    s.reportError('Loading scene x', new Error('no scene "x" in /ws/workbench.db'));
    expect(app.getState().errors).toHaveLength(1);
  });

  it('navigates by setting the route and asking the shell to write the hash', () => {
    const onNavigate = vi.fn();
    const app = createAppStore(new FakeApi(), { onNavigate });
    app.getState().navigate({ view: 'scene', sceneId: 'synthetic:s1', objects: [2] });
    expect(app.getState().route).toEqual({ view: 'scene', sceneId: 'synthetic:s1', objects: [2] });
    expect(onNavigate).toHaveBeenCalledWith('#/scene/synthetic%3As1?objects=2');
    app.getState().setRoute({ view: 'curves' });
    expect(onNavigate).toHaveBeenCalledTimes(1);
  });

  it('tracks long tasks for the header progress bars', () => {
    const app = createAppStore(new FakeApi());
    const id = app.getState().startTask('Exporting', 10);
    app.getState().updateTask(id, 4);
    expect(app.getState().tasks).toEqual([{ id, label: 'Exporting', done: 4, total: 10 }]);
    app.getState().endTask(id);
    expect(app.getState().tasks).toEqual([]);
  });
});
