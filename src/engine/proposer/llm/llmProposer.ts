/**
 * A proposer that is a language model behind an OpenAI-compatible chat-completions endpoint, asked through the
 * official `openai` client as the endpoint solver asks it (solver/external/endpointSolver.ts): bounded
 * concurrency, the client's retries and timeouts, cancellation, failures as EndpointError, every response cached
 * in the workspace under a hash of what was asked, so a resumed run asks nothing again and drafts the same.
 *
 * The model writes question, options and program; nothing it writes runs here. Its drafts go through the
 * pipeline's sandbox and filters like programmatic ones, and an answer that cannot be read as a draft becomes a
 * Proposal marked `malformed`, which the pipeline rejects (filter `response`) with the reason.
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ProposerModelConfig } from '../../../shared/loop.js';
import type { Family } from '../../../shared/proposer.js';
import { hashSeed } from '../../../shared/random.js';
import { EndpointError, explainEndpointError } from '../../solver/external/endpointSolver.js';
import { FAMILY_SPECS } from '../families/index.js';
import type { ProposalRequest, ProposeInput, ProposeResult, Proposer } from '../proposer.js';
import type { Proposal } from '../types.js';
import { parseDraft } from './parse.js';
import { DRAFT_SCHEMA, SYSTEM_PROMPT, userPrompt } from './prompt.js';

/**
 * What the cache keeps per request: the reply; that the endpoint refused this prompt (too long, refused
 * content), which rejects the draft; or that the server refused structured outputs, so the text form was asked.
 */
export type ProposerResponse = { content: string } | { refused: string } | { unsupported: string };

export interface ProposerCache {
  get(key: string): ProposerResponse | undefined;
  put(key: string, model: string, response: ProposerResponse): void;
}

export interface LlmProposerOptions {
  cache?: ProposerCache;
  signal?: AbortSignal;
  /** The environment the API key is read from (tests); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The controller's feedback for a scene and family (feedback.ts); '' when there is none yet. */
  feedback?: (sceneId: string, family: Family) => string;
}

/** The name QA rows record as their proposer. */
export const LLM_PROPOSER = 'llm';

type Format = 'json_schema' | 'text';

/** The cache key: everything that defines the reply. */
export function proposerRequestKey(c: ProposerModelConfig, messages: readonly ChatCompletionMessageParam[], seed: number, format: Format): string {
  return createHash('sha256')
    .update(JSON.stringify({ kind: 'proposer', model: c.model, messages, temperature: c.temperature, maxTokens: c.maxTokens, seed, format }))
    .digest('hex');
}

/** A counting semaphore: at most `limit` requests in flight across every scene and cell of a round. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Servers that do not know `response_format: json_schema` say so in a 400/422 naming it. */
const STRUCTURED_REFUSAL = /response_format|json_schema|structured|guided|grammar/i;

export class LlmProposer implements Proposer {
  readonly name = LLM_PROPOSER;
  private readonly client: OpenAI;
  private readonly limiter: Limiter;
  /** Cleared after the server refused structured outputs once: later requests go as plain text at once. */
  private structured = true;

  constructor(
    readonly config: ProposerModelConfig,
    private readonly options: LlmProposerOptions = {},
  ) {
    const env = options.env ?? process.env;
    // Local servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
    this.client = new OpenAI({ baseURL: config.baseUrl, apiKey: env[config.apiKeyEnv] || 'none', timeout: config.timeoutMs, maxRetries: config.maxRetries });
    this.limiter = new Limiter(config.concurrency);
  }

  async propose({ sceneId, api, requests, seed }: ProposeInput): Promise<ProposeResult> {
    // Cells run side by side; within a cell, drafts follow one another so each prompt can list the earlier ones
    // (at temperature 0 the same prompt would give the same question again).
    const perCell = await Promise.all(requests.map((req) => this.draftCell(sceneId, api, req, seed)));
    return { proposals: perCell.flat(), shortfalls: [] };
  }

  private async draftCell(sceneId: string, api: ProposeInput['api'], req: ProposalRequest, roundSeed: number): Promise<Proposal[]> {
    const spec = FAMILY_SPECS[req.family];
    const feedback = this.options.feedback?.(sceneId, req.family) ?? '';
    const out: Proposal[] = [];
    const earlier: string[] = [];
    for (let i = 0; i < req.count; i++) {
      const s = hashSeed(roundSeed, `${sceneId}|${req.family}|${req.bin}|llm|${i}`);
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: userPrompt({ api, family: req.family, bin: req.bin, feedback, earlier }) },
      ];
      const reply = await this.limiter.run(() => this.ask(messages, s));
      const base = { id: `${sceneId}/${req.family}/llm-${s.toString(16)}`, sceneId, family: req.family, proposer: this.name, difficulty: {}, bin: req.bin, seed: s };
      const parsed = 'refused' in reply ? { malformed: reply.refused } : parseDraft(reply.content, req.family);
      if ('malformed' in parsed) {
        out.push({ ...base, question: '', answerType: spec.answerType, program: '', named: [], malformed: parsed.malformed });
        continue;
      }
      earlier.push(parsed.question);
      out.push({ ...base, ...parsed });
    }
    return out;
  }

  /**
   * The reply to one prompt: from the cache, else from the endpoint, structured output first where the server
   * accepts it. Refusals are cached like replies, so a resumed run reproduces them without asking.
   */
  private async ask(messages: ChatCompletionMessageParam[], seed: number): Promise<{ content: string } | { refused: string }> {
    const cache = this.options.cache;
    const structuredKey = proposerRequestKey(this.config, messages, seed, 'json_schema');
    const cached = cache?.get(structuredKey);
    if (cached && !('unsupported' in cached)) return cached;
    if (!cached && this.structured) {
      const r = await this.request(messages, seed, true);
      cache?.put(structuredKey, this.config.model, r);
      if (!('unsupported' in r)) return r;
      this.structured = false;
    } else if (!cached) {
      // Recorded for every prompt, so a resumed run that asks them in another order never retries structured output.
      cache?.put(structuredKey, this.config.model, { unsupported: 'the server refused structured outputs earlier in the run' });
    }
    const textKey = proposerRequestKey(this.config, messages, seed, 'text');
    const cachedText = cache?.get(textKey);
    if (cachedText && !('unsupported' in cachedText)) return cachedText;
    const r = await this.request(messages, seed, false);
    const reply = 'unsupported' in r ? { refused: r.unsupported } : r;
    cache?.put(textKey, this.config.model, reply);
    return reply;
  }

  private async request(messages: ChatCompletionMessageParam[], seed: number, structured: boolean): Promise<ProposerResponse> {
    if (this.options.signal?.aborted) throw new EndpointError('cancelled', 'cancelled before asking the proposer model', true);
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.config.model,
      messages,
      temperature: this.config.temperature,
      max_tokens: this.config.maxTokens,
      seed,
      ...(structured ? { response_format: { type: 'json_schema', json_schema: { name: 'proposal', strict: true, schema: DRAFT_SCHEMA as unknown as Record<string, unknown> } } } : {}),
    };
    try {
      const completion = await this.client.chat.completions.create(body, this.options.signal ? { signal: this.options.signal } : {});
      const content = completion.choices[0]?.message.content;
      // An empty reply is this draft's failure, not the endpoint's: the parser says so and the round goes on.
      return { content: typeof content === 'string' ? content : '' };
    } catch (e) {
      if (structured && e instanceof OpenAI.APIError && (e.status === 400 || e.status === 422) && STRUCTURED_REFUSAL.test(e.message ?? '')) {
        return { unsupported: `structured outputs refused (${e.status}): ${(e.message ?? '').slice(0, 200)}` };
      }
      const err = explain(e, this.config);
      // A refusal of this one prompt (too long, refused content) rejects the draft; anything else stops the round.
      if (err instanceof EndpointError && (err.code === 'context-too-long' || err.code === 'bad-request')) return { refused: `the endpoint refused this prompt: ${err.message}` };
      throw err;
    }
  }
}

const where = (c: ProposerModelConfig): string => `the proposer endpoint ${c.baseUrl} (model ${c.model})`;

/** The proposer's side of the endpoint solver's error sentences (explainEndpointError). */
function explain(e: unknown, c: ProposerModelConfig): Error {
  return explainEndpointError(e, {
    at: where(c),
    baseUrl: c.baseUrl,
    apiKeyEnv: c.apiKeyEnv,
    timeoutMs: c.timeoutMs,
    maxRetries: c.maxRetries,
    server: "the proposer's server",
    timeoutAdvice: 'raise config.proposer.llm.timeoutMs or lower its concurrency',
    prompt: 'the prompt',
    contextAdvice: '',
  });
}
