import { describe, expect, it, vi } from 'vitest';
import { REPLAY_POINTS, createReplayStore } from '../../../src/renderer/src/state/replayStore.js';
import { FakeApi } from '../fakeApi.js';

function setup(api = new FakeApi()) {
  const reportError = vi.fn();
  return { api, replay: createReplayStore(api, { reportError }), reportError };
}

describe('replay store', () => {
  it('opens a run on its first training scene at round 0, with one confidence call for every round', async () => {
    const { api, replay } = setup();
    await replay.getState().open('run-a');
    const s = replay.getState();
    expect([s.runId, s.sceneId, s.round, s.loading]).toEqual(['run-a', 'synthetic:s1', 0, false]);
    expect(s.scenes).toEqual(['synthetic:s1', 'synthetic:s2']);
    expect(api.callsOf('sceneConfidenceByRound')).toEqual([['synthetic:s1', 'run-a']]);
    expect(api.callsOf('getScenePoints')).toEqual([['synthetic:s1', REPLAY_POINTS]]);
    expect(s.replay!.frames.map((f) => f.round)).toEqual([0, 1, 2]);
    expect(s.replay!.frames[2]!.objects).toEqual((await api.sceneConfidenceByRound('synthetic:s1', 'run-a')).rounds[2]!.objects);
  });

  it('steps, scrubs and plays without asking the host again; play stops at the end and restarts from the start', async () => {
    const { api, replay } = setup();
    await replay.getState().open('run-a', 'synthetic:s2');
    expect(replay.getState().sceneId).toBe('synthetic:s2');
    const before = api.calls.length;
    const r = replay.getState();
    r.step(1);
    expect(replay.getState().round).toBe(1);
    r.step(-1);
    r.step(-1);
    expect(replay.getState().round).toBe(0);
    r.setRound(2);
    expect(replay.getState().round).toBe(2);
    r.setRound(7); // not a round of this run
    expect(replay.getState().round).toBe(2);
    r.setPlaying(true);
    expect([replay.getState().playing, replay.getState().round]).toEqual([true, 0]);
    r.advance();
    r.advance();
    expect([replay.getState().playing, replay.getState().round]).toEqual([true, 2]);
    r.advance();
    expect([replay.getState().playing, replay.getState().round]).toEqual([false, 2]);
    expect(api.calls.length).toBe(before);
  });

  it('a scene the run did not train on falls back to its first training scene; a failure is reported, not thrown', async () => {
    const { api, replay, reportError } = setup();
    await replay.getState().open('run-a', 'synthetic:s3');
    expect(replay.getState().sceneId).toBe('synthetic:s1');
    api.failNext('getRun', 'host gone');
    await replay.getState().open('run-b');
    expect(reportError).toHaveBeenCalledWith('Replay', expect.objectContaining({ message: 'host gone' }));
    expect(replay.getState().loading).toBe(false);
  });

  it('a slower, older open never overwrites a newer one', async () => {
    const { replay } = setup();
    const a = replay.getState().open('run-a');
    const b = replay.getState().open('run-b');
    await Promise.all([a, b]);
    expect(replay.getState().runId).toBe('run-b');
    expect(replay.getState().replay!.runId).toBe('run-b');
  });
});
