/**
 * The endpoint solver against recorded responses in the documented shapes of vLLM, llama.cpp's server and
 * Ollama, served by a local HTTP server the test runs, and against the failures real servers produce: missing
 * log-probabilities, 429 with Retry-After, 500s, timeouts, a connection cut mid-response.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEndpointConfig, type EndpointConfig } from '../../../../src/engine/solver/external/endpoint.js';
import { EndpointError, EndpointSolver, type EndpointResponse, type EndpointSample, uniformFrameIndices } from '../../../../src/engine/solver/external/endpointSolver.js';
import { getEndpointResponse, putEndpointResponse } from '../../../../src/engine/store/index.js';
import { useWorkspaces } from '../../store/fixtures.js';

type Handler = (req: IncomingMessage, body: Record<string, unknown>, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); })));
});

/** A server answering each POST with the next handler (the last one repeats); records what it was sent. */
async function serve(handlers: Handler[]): Promise<{ url: string; requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] }> {
  const requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      handlers[Math.min(requests.length - 1, handlers.length - 1)]!(req, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, _b, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** vLLM's chat completion with logprobs (OpenAI's shape: logprobs.content[] with bytes and top_logprobs). */
function vllm(content: string, tokens: [string, number, [string, number][]][]): unknown {
  return {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'Qwen/Qwen2.5-VL-7B-Instruct',
    choices: [{ index: 0, message: { role: 'assistant', content, tool_calls: [] }, logprobs: { content: tokens.map(([token, logprob, top]) => ({ token, logprob, bytes: [...Buffer.from(token)], top_logprobs: top.map(([t, l]) => ({ token: t, logprob: l, bytes: [...Buffer.from(t)] })) })) }, finish_reason: 'stop', stop_reason: null }],
    usage: { prompt_tokens: 1200, total_tokens: 1201, completion_tokens: 1 },
  };
}

/** llama.cpp's server: the same shape, with `id` per token and no `bytes` on alternatives in older builds. */
function llamaCpp(content: string, tokens: [string, number, [string, number][]][]): unknown {
  return {
    choices: [{ finish_reason: 'stop', index: 0, message: { role: 'assistant', content }, logprobs: { content: tokens.map(([token, logprob, top]) => ({ id: 32, token, logprob, bytes: [...Buffer.from(token)], top_logprobs: top.map(([t, l]) => ({ id: 33, token: t, logprob: l })) })) } }],
    created: 1, model: 'gguf', system_fingerprint: 'b4000', object: 'chat.completion', usage: { completion_tokens: 1, prompt_tokens: 900, total_tokens: 901 }, id: 'chatcmpl-x',
  };
}

/** Ollama's OpenAI-compatible endpoint (0.12.11+): logprobs.content entries with token, logprob, bytes, top_logprobs. */
function ollama(content: string, tokens: [string, number, [string, number][]][]): unknown {
  return {
    id: 'chatcmpl-42', object: 'chat.completion', created: 1, model: 'qwen2.5vl:7b', system_fingerprint: 'fp_ollama',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: { content: tokens.map(([token, logprob, top]) => ({ token, logprob, bytes: [...Buffer.from(token)], top_logprobs: top.map(([t, l]) => ({ token: t, logprob: l, bytes: [...Buffer.from(t)] })) })) } }],
    usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
  };
}

const choiceSample: EndpointSample = {
  sceneId: 'scannet:scene0000_00',
  qa: { family: 'object_rel_distance', question: 'Which is closest to the bed?', options: ['A. chair', 'B. lamp', 'C. sofa', 'D. desk'], answerType: 'choice', answer: 'B' },
};
const numberSample: EndpointSample = { sceneId: 'scannet:scene0000_00', qa: { family: 'object_abs_distance', question: 'How far apart are the bed and the sofa (in meters)?', answerType: 'number', answer: 2 } };
const png = { mime: 'image/png' as const, bytes: new Uint8Array([137, 80, 78, 71, 1, 2, 3]) };

function config(url: string, over: Partial<EndpointConfig> = {}): EndpointConfig {
  return { ...resolveEndpointConfig({ baseUrl: url, model: 'm' }, 'endpoint'), frames: 2, maxRetries: 2, timeoutMs: 2000, ...over };
}

async function errorOf(p: Promise<unknown>): Promise<EndpointError> {
  try {
    await p;
  } catch (e) {
    return e as EndpointError;
  }
  throw new Error('expected an error');
}

describe('endpoint solver: requests and recorded responses', () => {
  it('asks as VSI-Bench does (frames as images, then the official prompt), greedy, with logprobs and the key from the environment', async () => {
    const s = await serve([json(200, vllm('B', [['B', Math.log(0.7), [['B', Math.log(0.7)], ['A', Math.log(0.2)], ['C', Math.log(0.05)]]]]))]);
    const solver = new EndpointSolver(config(s.url), { frames: () => [png, png], env: { OPENAI_API_KEY: 'sk-test-123' } });
    const [a] = await solver.answer([choiceSample]);
    const body = s.requests[0]!.body as { model: string; messages: { role: string; content: { type: string; text?: string; image_url?: { url: string } }[] }[]; max_tokens: number; temperature: number; logprobs: boolean; top_logprobs: number };
    expect(s.requests[0]!.headers.authorization).toBe('Bearer sk-test-123');
    expect(body).toMatchObject({ model: 'm', max_tokens: 16, temperature: 0, logprobs: true, top_logprobs: 20 });
    const parts = body.messages[0]!.content;
    expect(parts.map((p) => p.type)).toEqual(['image_url', 'image_url', 'text']);
    expect(parts[0]!.image_url!.url).toBe(`data:image/png;base64,${Buffer.from(png.bytes).toString('base64')}`);
    expect(parts[2]!.text).toBe("These are frames of a video.\nWhich is closest to the bed?\nOptions:\nA. chair\nB. lamp\nC. sofa\nD. desk\nAnswer with the option's letter from the given choices directly.");
    expect(a).toMatchObject({ prediction: 'B', confidenceMethod: 'ground-truth-logprob' });
    expect(a!.groundTruthConfidence).toBeCloseTo(0.7, 10);
    expect(a!.loss).toBeCloseTo(-Math.log(0.7), 10);
  });

  it('reads vLLM, llama.cpp and Ollama responses alike; the ground truth outside the answer (a wrong answer) still scored from top_logprobs', async () => {
    const tokens: [string, number, [string, number][]][] = [['A', Math.log(0.6), [['A', Math.log(0.6)], [' B', Math.log(0.25)], ['B', Math.log(0.05)]]]];
    for (const shape of [vllm, llamaCpp, ollama]) {
      const s = await serve([json(200, shape('A', tokens))]);
      const [a] = await new EndpointSolver(config(s.url), { frames: () => [] }).answer([choiceSample]);
      expect(a).toMatchObject({ prediction: 'A', confidenceMethod: 'ground-truth-logprob' });
      // " B" and "B" are two spellings of the ground truth: their probabilities add.
      expect(a!.groundTruthConfidence).toBeCloseTo(0.3, 10);
      expect(a!.predictionConfidence).toBeCloseTo(0.6, 10);
    }
  });

  it('numeric answers: the official first word, the geometric mean of its tokens times its MRA score', async () => {
    const s = await serve([json(200, vllm('2.5 meters.', [['2', Math.log(0.9), []], ['.', Math.log(0.8), []], ['5', Math.log(0.5), []], [' meters', Math.log(0.99), []], ['.', Math.log(0.99), []]]))]);
    const [a] = await new EndpointSolver(config(s.url), { frames: () => [] }).answer([numberSample]);
    expect(a!.prediction).toBe(2.5);
    expect(a!.answerTokenProbs.map((p) => Number(p.toFixed(6)))).toEqual([0.9, 0.8, 0.5]);
    const gm = Math.cbrt(0.9 * 0.8 * 0.5);
    expect(a!.predictionConfidence).toBeCloseTo(gm, 10);
    expect(a!.confidenceMethod).toBe('answer-tokens');
    // MRA of 2.5 against 2: relative error 0.25 passes thresholds .50 … .75 (6 of 10).
    expect(a!.groundTruthConfidence).toBeCloseTo(0.6 * gm, 10);
  });

  it('429 with Retry-After and 500s are retried, honouring the wait; the answer arrives', async () => {
    const s = await serve([json(429, { error: { message: 'slow down' } }, { 'retry-after': '1' }), json(500, { error: { message: 'oops' } }), json(200, vllm('B', [['B', -0.1, [['B', -0.1]]]]))]);
    const t0 = performance.now();
    const [a] = await new EndpointSolver(config(s.url, { maxRetries: 3 }), { frames: () => [] }).answer([choiceSample]);
    expect(s.requests).toHaveLength(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(a!.prediction).toBe('B');
  });

  it('fail with a sentence that says what to do: no logprobs, rate limit, 500, timeout, cut connection, unreachable, bad key, unknown model, context, images', async () => {
    const cases: { handlers: Handler[]; code: string; message: RegExp; over?: Partial<EndpointConfig> }[] = [
      { handlers: [json(200, { ...(vllm('B', []) as object), choices: [{ index: 0, message: { role: 'assistant', content: 'B' }, logprobs: null, finish_reason: 'stop' }] })], code: 'no-logprobs', message: /returned no token log-probabilities; confidence needs them/ },
      { handlers: [json(429, { error: { message: 'rate' } }, { 'retry-after': '0' })], code: 'rate-limited', message: /kept answering 429 .* after 1 retries; lower concurrency or resume later/, over: { maxRetries: 1 } },
      { handlers: [json(503, { error: { message: 'overloaded' } }, { 'retry-after': '0' })], code: 'server-error', message: /failed \(503\) after 1 retries/, over: { maxRetries: 1 } },
      { handlers: [() => undefined], code: 'timeout', message: /did not answer within 1000 ms/, over: { timeoutMs: 1000, maxRetries: 0 } },
      { handlers: [(_q, _b, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' }); res.write('{"choices": [{"index": 0, "mess'); res.socket?.destroy(); }], code: 'unreachable', message: /cannot reach http:\/\/127\.0\.0\.1:\d+\/v1: is the server running\?/, over: { maxRetries: 0 } },
      { handlers: [json(401, { error: { message: 'bad key sk-test-123' } })], code: 'auth', message: /refused the API key \(401\); set it in the environment variable OPENAI_API_KEY/ },
      { handlers: [json(404, { error: { message: 'The model `m` does not exist.' } })], code: 'model-not-found', message: /no such model or route \(404\)/ },
      { handlers: [json(400, { error: { message: "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens" } })], code: 'context-too-long', message: /longer than the model's context .*; lower frames/ },
      { handlers: [json(400, { error: { message: 'At most 1 image(s) may be provided in one request.' } })], code: 'image-rejected', message: /rejected the images .* --limit-mm-per-prompt/ },
    ];
    for (const c of cases) {
      const s = await serve(c.handlers);
      const e = await errorOf(new EndpointSolver(config(s.url, c.over), { frames: () => [png], env: { OPENAI_API_KEY: 'sk-test-123' } }).answer([choiceSample]));
      expect(e, c.code).toBeInstanceOf(EndpointError);
      expect(e.code).toBe(c.code);
      expect(e.message).toMatch(c.message);
      expect(e.message).not.toContain('sk-test-123');
    }
    const e = await errorOf(new EndpointSolver(config('http://127.0.0.1:9/v1', { maxRetries: 0 }), { frames: () => [] }).answer([choiceSample]));
    expect(e.code).toBe('unreachable');
  });

  it('cancel: an aborted signal stops a request in flight', async () => {
    const s = await serve([() => undefined]);
    const controller = new AbortController();
    const p = new EndpointSolver(config(s.url, { timeoutMs: 60_000 }), { frames: () => [], signal: controller.signal }).answer([choiceSample]);
    setTimeout(() => controller.abort(), 100);
    expect((await errorOf(p)).code).toBe('cancelled');
  });

  it('bounded concurrency, answers in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const s = await serve([
      (_q, body, res) => {
        inFlight++;
        most = Math.max(most, inFlight);
        const text = JSON.stringify(body.messages);
        const letter = /closest to the (\w)/.exec(text)![1]!;
        setTimeout(() => {
          inFlight--;
          json(200, vllm(letter, [[letter, -0.1, []]]))(_q, body, res);
        }, 30);
      },
    ]);
    const samples = 'ABCDABCDAB'.split('').map((l) => ({ ...choiceSample, qa: { ...choiceSample.qa, question: `Which is closest to the ${l}?` } }));
    const answers = await new EndpointSolver(config(s.url, { concurrency: 3 }), { frames: () => [] }).answer(samples);
    expect(answers.map((a) => a.prediction).join('')).toBe('ABCDABCDAB');
    expect(most).toBe(3);
  });
});

describe('endpoint solver: the response cache', () => {
  const ws = useWorkspaces();

  it('a question asked again (a resumed run) is answered from the workspace, not the endpoint; other frames are a new question', async () => {
    const store = ws.open(ws.dir());
    const cache = { get: (k: string) => getEndpointResponse<EndpointResponse>(store, k), put: (k: string, m: string, r: EndpointResponse) => putEndpointResponse(store, k, m, r) };
    const s = await serve([json(200, vllm('B', [['B', -0.2, [['B', -0.2]]]]))]);
    const first = await new EndpointSolver(config(s.url), { frames: () => [png], cache }).answer([choiceSample]);
    const again = await new EndpointSolver(config(s.url), { frames: () => [png], cache }).answer([choiceSample]);
    expect(again).toEqual(first);
    expect(s.requests).toHaveLength(1);
    await new EndpointSolver(config(s.url), { frames: () => [{ ...png, bytes: new Uint8Array([1]) }], cache }).answer([choiceSample]);
    expect(s.requests).toHaveLength(2);
    await new EndpointSolver(config(s.url, { model: 'm-round-2' }), { frames: () => [png], cache }).answer([choiceSample]);
    expect(s.requests).toHaveLength(3);
  });
});

describe('endpoint settings', () => {
  it('complete defaults and refuse what cannot work, naming the field; never a key in the URL', () => {
    expect(resolveEndpointConfig({ baseUrl: 'http://127.0.0.1:8000/v1/', model: 'Qwen/Qwen2.5-VL-7B-Instruct' }, 'config.endpoint')).toEqual({
      baseUrl: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen2.5-VL-7B-Instruct', apiKeyEnv: 'OPENAI_API_KEY', frames: 16, concurrency: 4, timeoutMs: 120_000, maxRetries: 4, topLogprobs: 20,
    });
    const bad: [unknown, RegExp][] = [
      [{ model: 'm' }, /config\.endpoint\.baseUrl: expected a non-empty string/],
      [{ baseUrl: 'ftp://x/v1', model: 'm' }, /expected an http\(s\) URL, found ftp:/],
      [{ baseUrl: 'http://user:sk-1@h/v1', model: 'm' }, /credentials do not belong in the URL/],
      [{ baseUrl: 'http://h/v1', model: 'm', apiKeyEnv: 'sk-abc-123' }, /apiKeyEnv: expected the name of an environment variable/],
      [{ baseUrl: 'http://h/v1', model: 'm', frames: 0 }, /frames: expected a whole number in \[1, 128\], found 0/],
      [{ baseUrl: 'http://h/v1', model: 'm', apiKey: 'x' }, /config\.endpoint\.apiKey: unknown setting/],
    ];
    for (const [input, message] of bad) expect(() => resolveEndpointConfig(input, 'config.endpoint')).toThrow(message);
  });

  it('frames are spread evenly from the first to the last', () => {
    expect(uniformFrameIndices(100, 4)).toEqual([0, 33, 66, 99]);
    expect(uniformFrameIndices(3, 8)).toEqual([0, 1, 2]);
    expect(uniformFrameIndices(9, 1)).toEqual([4]);
    expect(uniformFrameIndices(0, 4)).toEqual([]);
  });
});
