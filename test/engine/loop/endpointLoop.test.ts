/**
 * A whole closed loop whose solve and evaluate stages go through an OpenAI-compatible endpoint (the workbench's
 * own /v1, serving a checkpoint the built-in solver trained), with the hand-off to a trainer command after each
 * round's selection.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { MODEL_PREFIX } from '../../../src/engine/host/chatCompletions.js';
import { handoffDir, registerNextModel, trainerCommandLine } from '../../../src/engine/loop/handoff.js';
import { resolveLoopConfig, resumeLoop, startLoop } from '../../../src/engine/loop/index.js';
import { countEndpointResponses, getRun, listCheckpoints, listRounds, listMetrics, listSolverOutputs, type Store } from '../../../src/engine/store/index.js';
import type { WorkbenchServer } from '../../../src/server/server.js';
import { SCORE_METRIC } from '../../../src/engine/loop/metrics.js';
import { SMALL_LOOP } from './loopFixture.js';
import { startOwnEndpoint, type OwnEndpoint } from '../../helpers/ownEndpoint.js';

let own: OwnEndpoint;
let store: Store;
let server: WorkbenchServer;
let checkpointId: number;
let dir: string;

beforeAll(async () => {
  own = await startOwnEndpoint('ouroboros-endpoint-loop-');
  ({ store, server, checkpointId, dir } = own);
}, 120_000);

afterAll(() => own?.close());

describe('a closed loop with an endpoint model', () => {
  it('asks the endpoint in solve and evaluate, exports each round for the trainer and runs it, and records how each confidence was obtained', async () => {
    const events: LoopEvent[] = [];
    const trainerLog = join(dir, 'trainer.log');
    const config = {
      ...SMALL_LOOP,
      name: 'endpoint',
      strategy: 'learnability' as const,
      endpoint: { baseUrl: `${server.url}v1`, model: `${MODEL_PREFIX}${checkpointId}`, frames: 2, concurrency: 2 },
      trainerCommand: `test -f {dataset}/dataset_info.json && echo trained round {round} into {output} as {model} | tee -a ${trainerLog}`,
    };
    const run = await (await startLoop(store, config, { onEvent: (e) => events.push(e) })).done;
    expect(run.status, run.error ?? '').toBe('completed');
    expect(run.provider).toBe(`endpoint ${server.url}v1 (model ${MODEL_PREFIX}${checkpointId})`);
    expect(listRounds(store, run.id).map((i) => i.status)).toEqual(['completed', 'completed']);
    // No built-in training: the endpoint's model is the one trained (by the trainer).
    expect(listCheckpoints(store, run.id)).toEqual([]);

    const outputs = listSolverOutputs(store, { runId: run.id });
    expect(outputs.length).toBeGreaterThan(0);
    const methods = new Set(outputs.map((o) => o.confidenceMethod));
    expect([...methods].every((m) => m === 'ground-truth-logprob' || m === 'answer-tokens')).toBe(true);
    expect(methods.has('ground-truth-logprob')).toBe(true);
    expect(countEndpointResponses(store)).toBeGreaterThan(0);
    const scores = listMetrics(store, { runId: run.id, family: null, metric: SCORE_METRIC });
    expect(scores.map((m) => m.round)).toEqual([0, 1]);

    for (const k of [0, 1]) expect(existsSync(join(handoffDir(store.workspaceDir, run.id, k), 'dataset', 'dataset_info.json'))).toBe(true);
    const trained = readFileSync(trainerLog, 'utf8').trim().split('\n');
    expect(trained).toEqual([0, 1].map((k) => `trained round ${k} into ${join(handoffDir(store.workspaceDir, run.id, k), 'output')} as ${MODEL_PREFIX}${checkpointId}`));
    expect(events.some((e) => e.type === 'log' && e.message.startsWith('trainer: trained round 0'))).toBe(true);
    expect(getRun(store, run.id).status).toBe('completed');
  }, 300_000);

  it('awaiting model: the run pauses after each export until the model trained on it is registered, then asks that model', async () => {
    // Round 0 is answered by the configured (starting) model; later rounds by the models registered.
    const config = { ...SMALL_LOOP, rounds: 2, name: 'by hand', endpoint: { baseUrl: `${server.url}v1`, model: `${MODEL_PREFIX}${checkpointId}`, frames: 1 }, awaitModel: true };
    const first = await (await startLoop(store, config)).done;
    expect(first.status).toBe('paused');
    expect(first.error).toMatch(new RegExp(`awaiting model: round 0's \\d+ training samples are in .*round-0/dataset \\(LLaMA-Factory format\\); train your model on them, serve it, then register it: npm run loop -- --resume ${first.id} --endpoint-model <name>`));
    expect(() => registerNextModel(store, first.id, '')).toThrow(/expected a model name/);
    expect(registerNextModel(store, first.id, `${MODEL_PREFIX}${checkpointId}`)).toEqual({ round: 0 });
    const second = await (await resumeLoop(store, first.id)).done;
    // Round 0 is evaluated with the registered model, round 1 proposes and answers with it, then waits again.
    expect(second.status).toBe('paused');
    expect(second.error).toMatch(/awaiting model: round 1's/);
    expect(second.provider).toBe(`endpoint ${server.url}v1 (model ${MODEL_PREFIX}${checkpointId})`);
    expect(listRounds(store, first.id).map((i) => [i.index, i.status])).toEqual([[0, 'completed'], [1, 'pending']]);
    expect(registerNextModel(store, first.id, `${MODEL_PREFIX}${checkpointId}`)).toEqual({ round: 1 });
    expect((await (await resumeLoop(store, first.id)).done).status).toBe('completed');
    expect(() => registerNextModel(store, first.id, 'm')).toThrow(/is not waiting for a model/);
    expect(() => resolveLoopConfig({ awaitModel: true })).toThrow(/config\.awaitModel: waits for you to register each round's model: it needs an endpoint/);
  }, 300_000);

  it('a failing trainer or an endpoint that went away pause the run with the reason (resumable); the settings refuse what cannot work', async () => {
    const run = await (
      await startLoop(store, { ...SMALL_LOOP, rounds: 1, name: 'bad trainer', endpoint: { baseUrl: `${server.url}v1`, model: `${MODEL_PREFIX}${checkpointId}`, frames: 1 }, trainerCommand: 'echo {dataset} >/dev/null; exit 3' })
    ).done;
    expect(run.status).toBe('paused');
    expect(run.error).toMatch(/round 0: the trainer command exited with code 3; fix it and resume the run/);
    const gone = await (
      await startLoop(store, { ...SMALL_LOOP, rounds: 1, name: 'no server', endpoint: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', frames: 1, maxRetries: 0 } })
    ).done;
    expect(gone.status).toBe('paused');
    expect(gone.error).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/v1: is the server running\?/);
    expect(() => resolveLoopConfig({ trainerCommand: 'train {dataset}' })).toThrow(/config\.trainerCommand: a trainer command fine-tunes an endpoint model; set endpoint too/);
    expect(() => resolveLoopConfig({ endpoint: { baseUrl: 'http://h/v1', model: 'm' }, strategy: 'reducible-loss', referenceCheckpoint: 1 })).toThrow(/config\.strategy: reducible-loss compares the model/);
    expect(trainerCommandLine("train --data {dataset} --out {output}", { dataset: "/a b/it's", round: 2, output: '/o', model: 'm' })).toBe("train --data '/a b/it'\\''s' --out '/o'");
  }, 120_000);
});
