/**
 * End to end over HTTP: the endpoint solver asks `npm run serve`'s own /v1/chat/completions, which serves a
 * trained checkpoint of the built-in solver. What comes back is exactly what the built-in solver says in-process:
 * the same answers, the same confidences, and for choice questions the same probability of the ground truth.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_PREFIX, parseVsiPrompt } from '../../../../src/engine/host/chatCompletions.js';
import { questionOfRecord } from '../../../../src/engine/loop/samples.js';
import { observeForQuestions } from '../../../../src/engine/exchange/vsiQuestions.js';
import { evalQuestionsCommand } from '../../../../src/engine/exchange/commands.js';
import { vsiSceneName } from '../../../../src/engine/exchange/sceneNames.js';
import { vsiPrompt } from '../../../../src/engine/exchange/vsiRecord.js';
import { resolveEndpointConfig } from '../../../../src/engine/solver/external/endpoint.js';
import { EndpointSolver } from '../../../../src/engine/solver/external/endpointSolver.js';
import { Solver } from '../../../../src/engine/solver/solver.js';
import { listBenchmarkQuestions, listMetrics, loadScene, readCheckpoint, type Store } from '../../../../src/engine/store/index.js';
import type { WorkbenchServer } from '../../../../src/server/server.js';
import type { BenchmarkQuestionRecord } from '../../../../src/shared/records.js';
import { SMALL_LOOP } from '../../loop/loopFixture.js';
import { startOwnEndpoint, type OwnEndpoint } from '../../../helpers/ownEndpoint.js';

let own: OwnEndpoint;
let store: Store;
let server: WorkbenchServer;
let checkpointId: number;
let dir: string;
let questions: BenchmarkQuestionRecord[];

beforeAll(async () => {
  own = await startOwnEndpoint('ouroboros-endpoint-');
  ({ store, server, checkpointId, dir } = own);
  const setId = listMetrics(store, { runId: own.run.id, family: null })[0]!.benchmarkSetId;
  questions = listBenchmarkQuestions(store, setId);
}, 120_000);

afterAll(() => own?.close());

describe('the workbench’s own OpenAI-compatible endpoint', () => {
  it('lists the checkpoints as models, readable by the official client', async () => {
    const client = new OpenAI({ baseURL: `${server.url}v1`, apiKey: 'none' });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain(`${MODEL_PREFIX}${checkpointId}`);
  });

  it('the endpoint solver over HTTP answers exactly as the built-in solver does in-process', async () => {
    const endpoint = resolveEndpointConfig({ baseUrl: `${server.url}v1`, model: `${MODEL_PREFIX}${checkpointId}`, frames: 2, topLogprobs: 10 }, 'endpoint');
    const remote = new EndpointSolver(endpoint, { frames: () => [{ mime: 'image/png', bytes: new Uint8Array([137, 80, 78, 71]) }], sendMetadata: true });
    const samples = questions.map((q) => ({ sceneId: q.sceneId, qa: questionOfRecord(q) }));
    const got = await remote.answer(samples);

    const local = await Solver.fromCheckpoint(readCheckpoint(store, checkpointId));
    const observations = observeForQuestions(new Set(questions.map((q) => q.sceneId)), (id) => loadScene(store, id), { seed: 0, frames: SMALL_LOOP.frames ?? 32 });
    const want = await local.answer(samples.map((s) => ({ qa: s.qa, observation: observations.get(s.sceneId)! })));
    await local.dispose();

    expect(got.map((a) => a.prediction)).toEqual(want.map((a) => a.prediction));
    got.forEach((a, i) => expect(a.predictionConfidence, `question ${i}`).toBeCloseTo(want[i]!.predictionConfidence, 5));
    const choice = got.map((a, i) => ({ a, w: want[i]! })).filter(({ a }) => a.confidenceMethod === 'ground-truth-logprob');
    expect(choice.length).toBeGreaterThan(0);
    for (const { a, w } of choice) expect(a.groundTruthConfidence).toBeCloseTo(w.groundTruthConfidence, 5);
  });

  it('exchange eval-questions answers a question file through the endpoint as the checkpoint does in-process', async () => {
    const file = join(dir, 'questions.jsonl');
    const records = questions.map((q, i) => ({
      id: i,
      dataset: 'synthetic',
      scene_name: vsiSceneName(q.sceneId),
      question_type: q.family,
      question: q.question,
      options: q.options,
      ground_truth: String(q.answer),
    }));
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
    const ws = join(dir, 'ws');
    const viaEndpoint = await evalQuestionsCommand(ws, { questions: file, endpoint: { baseUrl: `${server.url}v1`, model: `${MODEL_PREFIX}${checkpointId}`, frames: 1 }, out: join(dir, 'p1.jsonl'), frames: SMALL_LOOP.frames ?? 32 });
    const inProcess = await evalQuestionsCommand(ws, { questions: file, checkpointId, out: join(dir, 'p2.jsonl') });
    expect(inProcess).toContain(`with checkpoint ${checkpointId}`);
    expect(viaEndpoint).toContain(`with ${MODEL_PREFIX}${checkpointId} at ${server.url}v1`);
    const predictions = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { prediction: unknown }).prediction);
    expect(predictions('p1.jsonl')).toEqual(predictions('p2.jsonl'));
    await expect(evalQuestionsCommand(ws, { questions: file, out: join(dir, 'p3.jsonl') })).rejects.toThrow(/either a checkpoint of the built-in solver or an endpoint model/);
  });

  it('reads the question back from the official prompt, and refuses requests it cannot answer with OpenAI-shaped errors', async () => {
    expect(parseVsiPrompt(vsiPrompt('Which is closer?', ['A. x', 'B. y']))).toEqual({ question: 'Which is closer?', options: ['A. x', 'B. y'] });
    expect(parseVsiPrompt(vsiPrompt('How many chairs?', null))).toEqual({ question: 'How many chairs?', options: null });
    const client = new OpenAI({ baseURL: `${server.url}v1`, apiKey: 'none', maxRetries: 0 });
    const q = questions[0]!;
    const ask = (extra: Record<string, unknown>) =>
      client.chat.completions.create({ model: `${MODEL_PREFIX}${checkpointId}`, messages: [{ role: 'user', content: vsiPrompt(q.question, q.options) }], ...extra } as never);
    await expect(ask({})).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/metadata\.scene_id: expected the id of a scene/) });
    await expect(ask({ metadata: { scene_id: q.sceneId, question_type: 'nope' } })).rejects.toMatchObject({ status: 400 });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/model: expected ouroboros\/checkpoint-<checkpoint id>/) });
    await expect(client.chat.completions.create({ model: `${MODEL_PREFIX}99999`, messages: [{ role: 'user', content: 'hi' }], metadata: { scene_id: q.sceneId, question_type: q.family } } as never)).rejects.toMatchObject({ status: 404 });
    const ok = await ask({ metadata: { scene_id: q.sceneId, question_type: q.family } });
    expect(ok.choices[0]!.logprobs).toBeNull();
    expect(typeof ok.choices[0]!.message.content).toBe('string');
  });
});
