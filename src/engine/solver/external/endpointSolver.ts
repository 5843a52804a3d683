/**
 * A solver that is a model behind an OpenAI-compatible chat-completions endpoint, asked through the official
 * `openai` client. Each question goes out as VSI-Bench's official evaluation asks it (exchange/vsiRecord.ts ›
 * vsiPrompt) with frames sampled uniformly along the scene's trajectory as images, greedy, 16 tokens at most (as
 * lmms-eval's vsibench task generates). The answer is parsed with the official first-word rule and scored with
 * the product's VSI-Bench scorer.
 *
 * Confidence, per the loop's definition, is the model's probability of the ground-truth answer (ConfidenceMethod
 * in shared/records.ts): for a choice question, the ground-truth letter's probability from the top
 * log-probabilities at the answer position; where that cannot be read (numeric answers, or the letter outside the
 * top alternatives) the geometric mean of the model's own answer tokens' probabilities times that answer's score.
 *
 * Production behaviour: bounded concurrency; the client's retries with backoff on 408/409/429/5xx honouring
 * Retry-After; a per-request timeout; cancellation through an AbortSignal; a response cache keyed by (model,
 * prompt, images, settings) so a resumed run never asks again; errors that say what to do (EndpointError).
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { ConfidenceMethod } from '../../../shared/records.js';
import type { FrameImageBytes } from '../../perception/cameraImage.js';
import { firstWord, isChoiceFamily, parseNumber, scorePrediction } from '../../eval/vsiScore.js';
import { vsiPrompt } from '../../exchange/vsiRecord.js';
import type { SolverQuestion } from '../features.js';
import { MODEL_PREFIX, type EndpointConfig } from './endpoint.js';

/** One frame as it is sent: its bytes and type (perception/cameraImage.ts gives them). */
export type FrameImage = Pick<FrameImageBytes, 'mime' | 'bytes'>;

/** A question for the endpoint: what to ask, and about which scene. */
export interface EndpointSample {
  qa: SolverQuestion;
  sceneId: string;
}

/** What the loop records per answer; the same fields as the built-in solver's SolverAnswer, plus the method. */
export interface EndpointAnswer {
  prediction: string | number;
  /** Prediction confidence: geometric mean of the model's own answer tokens' probabilities. */
  predictionConfidence: number;
  /** Ground-truth confidence: the probability of the ground truth as `confidenceMethod` obtained it (NaN without a ground truth). */
  groundTruthConfidence: number;
  confidenceMethod: ConfidenceMethod;
  answerTokenProbs: number[];
  pCorrect: number;
  /** −log P(ground truth) where it was read; NaN otherwise. */
  loss: number;
  /** The raw text the model wrote. */
  text: string;
}

/** The part of a response the solver uses, as the cache keeps it. */
export interface EndpointResponse {
  content: string;
  tokens: { token: string; logprob: number; top: { token: string; logprob: number }[] }[];
}

export interface ResponseCache {
  get(key: string): EndpointResponse | undefined;
  put(key: string, model: string, response: EndpointResponse): void;
}

export type EndpointErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'model-not-found'
  | 'no-logprobs'
  | 'context-too-long'
  | 'image-rejected'
  | 'rate-limited'
  | 'server-error'
  | 'bad-request'
  | 'cancelled';

/** A failure of the endpoint, said so a person can act on it. `transient`: the same request may work later. */
export class EndpointError extends Error {
  constructor(
    readonly code: EndpointErrorCode,
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EndpointError';
  }
}

export interface EndpointSolverOptions {
  /** The frames to send for a scene (already sampled to `config.frames`). */
  frames: (sceneId: string) => FrameImage[] | Promise<FrameImage[]>;
  cache?: ResponseCache;
  signal?: AbortSignal;
  /** The environment the API key is read from (tests); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Send the scene, family, frame and named labels in `metadata`, which the workbench's own endpoint
   * (`npm run serve`'s /v1) reads; default: when the model is one of its checkpoints (MODEL_PREFIX).
   */
  sendMetadata?: boolean;
  /** Called after each answered question (progress). */
  onAnswered?: (done: number, total: number) => void;
}

/** Most tokens the model may write: a letter or a number, as lmms-eval's vsibench task allows. */
const MAX_TOKENS = 16;

/** Frame indices spread evenly from the first to the last frame (all of them when there are fewer). */
export function uniformFrameIndices(frameCount: number, wanted: number): number[] {
  if (frameCount <= 0) return [];
  if (frameCount <= wanted) return Array.from({ length: frameCount }, (_, i) => i);
  if (wanted === 1) return [Math.floor((frameCount - 1) / 2)];
  return Array.from({ length: wanted }, (_, i) => Math.round((i * (frameCount - 1)) / (wanted - 1)));
}

/** Runs `fn` over items with at most `limit` in flight, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class EndpointSolver {
  private readonly client: OpenAI;

  constructor(
    readonly config: EndpointConfig,
    private readonly options: EndpointSolverOptions,
  ) {
    const env = options.env ?? process.env;
    // Local servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
    const apiKey = env[config.apiKeyEnv] || 'none';
    this.client = new OpenAI({ baseURL: config.baseUrl, apiKey, timeout: config.timeoutMs, maxRetries: config.maxRetries });
  }

  /** The model's answers with the ground truth's probability: what the loop's solve stage records. */
  async answer(samples: readonly EndpointSample[]): Promise<EndpointAnswer[]> {
    let done = 0;
    return mapLimit(samples, this.config.concurrency, async (s) => {
      const response = await this.ask(s);
      const a = interpret(s.qa, response);
      this.options.onAnswered?.(++done, samples.length);
      return a;
    });
  }

  /** The model's answers and their own confidence (no ground truth needed): what benchmark evaluation uses. */
  async predict(samples: readonly EndpointSample[]): Promise<{ prediction: string | number; predictionConfidence: number }[]> {
    const answers = await this.answer(samples.map((s) => ({ ...s, qa: { ...s.qa, answer: undefined } })));
    return answers.map((a) => ({ prediction: a.prediction, predictionConfidence: a.predictionConfidence }));
  }

  private async ask(sample: EndpointSample): Promise<EndpointResponse> {
    const frames = await this.options.frames(sample.sceneId);
    const prompt = vsiPrompt(sample.qa.question, sample.qa.options ?? null);
    const key = requestKey(this.config, prompt, frames);
    const cached = this.options.cache?.get(key);
    if (cached) return cached;
    if (this.options.signal?.aborted) throw new EndpointError('cancelled', 'cancelled before asking the endpoint', true);
    const content: ChatCompletionContentPart[] = [
      ...frames.map((f): ChatCompletionContentPart => ({ type: 'image_url', image_url: { url: `data:${f.mime};base64,${Buffer.from(f.bytes).toString('base64')}` } })),
      { type: 'text', text: prompt },
    ];
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.config.model,
      messages: [{ role: 'user', content }],
      max_tokens: MAX_TOKENS,
      temperature: 0,
      logprobs: true,
      ...(this.config.topLogprobs > 0 ? { top_logprobs: this.config.topLogprobs } : {}),
      ...((this.options.sendMetadata ?? this.config.model.startsWith(MODEL_PREFIX)) ? { metadata: workbenchMetadata(sample) } : {}),
    };
    let completion;
    try {
      completion = await this.client.chat.completions.create(body, this.options.signal ? { signal: this.options.signal } : {});
    } catch (e) {
      throw explain(e, this.config, frames.length);
    }
    const choice = completion.choices[0];
    if (!choice) throw new EndpointError('server-error', `${where(this.config)} answered with no choices`, true);
    const logprobs = choice.logprobs?.content;
    if (!logprobs || logprobs.length === 0) {
      throw new EndpointError(
        'no-logprobs',
        `${where(this.config)} returned no token log-probabilities; confidence needs them. vLLM and SGLang return them when asked (logprobs: true); Ollama from 0.12.11; llama.cpp's server with a recent build; otherwise use a server that does`,
        false,
      );
    }
    const response: EndpointResponse = {
      content: choice.message.content ?? '',
      tokens: logprobs.map((t) => ({ token: t.token, logprob: t.logprob, top: (t.top_logprobs ?? []).map((x) => ({ token: x.token, logprob: x.logprob })) })),
    };
    this.options.cache?.put(key, this.config.model, response);
    return response;
  }
}

/**
 * What the workbench's own endpoint reads besides the prompt: the scene, the family, the frame a question refers
 * to and the labels it names (OpenAI's metadata holds strings only).
 */
function workbenchMetadata(s: EndpointSample): Record<string, string> {
  return {
    scene_id: s.sceneId,
    question_type: s.qa.family,
    ...(s.qa.frame !== undefined ? { frame: String(s.qa.frame) } : {}),
    ...(s.qa.named !== undefined ? { named: JSON.stringify(s.qa.named.map((n) => n.label)) } : {}),
  };
}

const where = (c: EndpointConfig): string => `the endpoint ${c.baseUrl} (model ${c.model})`;

/** The cache key: everything that defines the answer. */
export function requestKey(c: EndpointConfig, prompt: string, frames: readonly FrameImage[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ model: c.model, prompt, maxTokens: MAX_TOKENS, topLogprobs: c.topLogprobs, frames: frames.length }));
  for (const f of frames) h.update(createHash('sha256').update(f.bytes).digest());
  return h.digest('hex');
}

/** Who was asked, and the advice each failure gets: what differs between the solver's and the proposer's endpoint. */
export interface EndpointAsked {
  /** "the endpoint <url> (model <name>)" */
  at: string;
  baseUrl: string;
  apiKeyEnv: string;
  timeoutMs: number;
  maxRetries: number;
  /** Whose server to start when it cannot be reached ("the server", "the proposer's server"). */
  server: string;
  /** What to change when requests time out. */
  timeoutAdvice: string;
  /** What was too long for the model's context ("the prompt with 16 frames"), and what to lower ("" for nothing). */
  prompt: string;
  contextAdvice: string;
  /** Advice for rejected images; absent for a text-only request, whose refusals are then plain bad requests. */
  imageAdvice?: string;
}

/** Turns the openai client's errors into sentences naming the endpoint and what to do; never the API key. */
export function explainEndpointError(e: unknown, x: EndpointAsked): Error {
  const { at } = x;
  if (e instanceof OpenAI.APIUserAbortError) return new EndpointError('cancelled', `cancelled while asking ${at}`, true, { cause: e });
  if (e instanceof OpenAI.APIConnectionTimeoutError) return new EndpointError('timeout', `${at} did not answer within ${x.timeoutMs} ms (after ${x.maxRetries} retries); ${x.timeoutAdvice}`, true, { cause: e });
  if (e instanceof OpenAI.APIConnectionError) return new EndpointError('unreachable', `cannot reach ${x.baseUrl}: is ${x.server} running? (e.g. \`vllm serve <model>\`, \`ollama serve\`)`, true, { cause: e });
  if (e instanceof OpenAI.APIError) {
    const detail = (e.message || '').slice(0, 300);
    if (e.status === 401 || e.status === 403) return new EndpointError('auth', `${at} refused the API key (${e.status}); set it in the environment variable ${x.apiKeyEnv}`, false, { cause: e });
    if (e.status === 404) return new EndpointError('model-not-found', `${at}: no such model or route (404); check the model name the server lists at ${x.baseUrl}/models`, false, { cause: e });
    if (e.status === 429) return new EndpointError('rate-limited', `${at} kept answering 429 (rate limited) after ${x.maxRetries} retries; lower concurrency or resume later`, true, { cause: e });
    if (e.status !== undefined && e.status >= 500) return new EndpointError('server-error', `${at} failed (${e.status}) after ${x.maxRetries} retries: ${detail}`, true, { cause: e });
    if (/context|too long|maximum.*tokens|token limit/i.test(detail)) {
      return new EndpointError('context-too-long', `${at}: ${x.prompt} is longer than the model's context (${detail})${x.contextAdvice}`, false, { cause: e });
    }
    if (x.imageAdvice !== undefined && /image|multimodal|vision/i.test(detail)) {
      return new EndpointError('image-rejected', `${at} rejected the images (${detail}); ${x.imageAdvice}`, false, { cause: e });
    }
    return new EndpointError('bad-request', `${at} refused the request (${e.status ?? 'no status'}): ${detail}`, false, { cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** The solver's side of explainEndpointError. */
function explain(e: unknown, c: EndpointConfig, frames: number): Error {
  return explainEndpointError(e, {
    at: where(c),
    baseUrl: c.baseUrl,
    apiKeyEnv: c.apiKeyEnv,
    timeoutMs: c.timeoutMs,
    maxRetries: c.maxRetries,
    server: 'the server',
    timeoutAdvice: 'raise timeoutMs or lower concurrency',
    prompt: `the prompt with ${frames} frames`,
    contextAdvice: '; lower frames',
    imageAdvice: `is ${c.model} a vision-language model, and does the server allow ${frames} images per prompt (vLLM: --limit-mm-per-prompt)?`,
  });
}

const LETTER = /^[A-Za-z]$/;

/** Normalises a token to the answer text it spells, for matching against option letters ("▁A", " A.", "A"). */
const tokenText = (t: string): string => t.replace(/^[\s▁Ġ]+/u, '').replace(/\.+$/, '').trim();

/**
 * Reads one response: the official first-word answer, the tokens that spell it, and the ground truth's
 * probability where the response allows it.
 */
export function interpret(qa: SolverQuestion, r: EndpointResponse): EndpointAnswer {
  const word = firstWord(r.content);
  const choice = isChoiceFamily(qa.family) || (qa.options?.length ?? 0) > 0;
  const prediction: string | number = choice ? word : (parseNumber(word) ?? word);
  // The tokens overlapping the first word (where the official rule reads the answer); the first token if none.
  const wordStart = r.content.indexOf(word);
  const wordEnd = word === '' ? 0 : wordStart + word.length;
  let offset = 0;
  const spans = r.tokens.map((t) => {
    const s = { t, start: offset, end: offset + t.token.length };
    offset = s.end;
    return s;
  });
  let answerTokens = word === '' ? [] : spans.filter((s) => s.end > wordStart && s.start < wordEnd).map((s) => s.t);
  if (answerTokens.length === 0 && r.tokens.length > 0) answerTokens = [r.tokens[0]!];
  const probs = answerTokens.map((t) => Math.exp(t.logprob));
  const predictionConfidence = probs.length === 0 ? 0 : Math.exp(answerTokens.reduce((a, t) => a + t.logprob, 0) / answerTokens.length);
  const base = { prediction, predictionConfidence, answerTokenProbs: probs, text: r.content };
  if (qa.answer === undefined) return { ...base, groundTruthConfidence: Number.NaN, confidenceMethod: 'answer-tokens', pCorrect: Number.NaN, loss: Number.NaN };

  const truth = qa.answer;
  if (choice && typeof truth === 'string' && LETTER.test(truth) && answerTokens.length > 0) {
    // Every spelling of the ground-truth letter among the alternatives at the answer position ("A", " A").
    const first = answerTokens[0]!;
    const alternatives = first.top.length > 0 ? first.top : [{ token: first.token, logprob: first.logprob }];
    const matches = alternatives.filter((x) => tokenText(x.token).toUpperCase() === truth.toUpperCase());
    if (matches.length > 0) {
      const p = Math.min(1, matches.reduce((a, x) => a + Math.exp(x.logprob), 0));
      return { ...base, groundTruthConfidence: p, confidenceMethod: 'ground-truth-logprob', pCorrect: p, loss: -Math.log(p) };
    }
  }
  const score = scorePrediction(qa.family, prediction, truth);
  const p = score * predictionConfidence;
  return { ...base, groundTruthConfidence: p, confidenceMethod: 'answer-tokens', pCorrect: p, loss: Number.NaN };
}
