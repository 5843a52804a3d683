/**
 * The built-in solver behind OpenAI's chat-completions API (served by `npm run serve` at /v1): any OpenAI client
 * can query a trained checkpoint, and the endpoint solver (solver/external) is tested end to end against a real
 * server. Models are the workspace's checkpoints, named `ouroboros/checkpoint-<id>`.
 *
 * The built-in solver does not look at pixels: it perceives a scene through its detection observations
 * (src/engine/perception), so a request names its scene in `metadata.scene_id` (and the question family in
 * `metadata.question_type`, optionally the frame and the named labels), which the endpoint solver sends here. Images in the request are accepted
 * and ignored. The question and options are read back from the VSI-Bench prompt text (exchange/vsiRecord.ts).
 * The answer comes with `logprobs`: one entry per answer token with its probability and, for a choice question,
 * every option letter's probability as `top_logprobs`, so a client reads the same confidences the loop records.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../../shared/errors.js';
import { FAMILIES, type Family } from '../../shared/proposer.js';
import { observeForQuestions } from '../exchange/vsiQuestions.js';
import { VSI_CHOICE_POST_PROMPT, VSI_NUMBER_POST_PROMPT, VSI_PRE_PROMPT } from '../exchange/vsiRecord.js';
import type { Observation } from '../../shared/observation.js';
import { Solver } from '../solver/solver.js';
import { findRun, getCheckpoint, listCheckpointTimes, readCheckpoint, type Store } from '../store/index.js';
import { loadScene } from '../store/scenes.js';
import { HostError } from './errors.js';
import { MODEL_PREFIX } from '../solver/external/endpoint.js';

export { MODEL_PREFIX };

/** The question a VSI-Bench prompt asks: its text and lettered options (null for a numeric question). */
export function parseVsiPrompt(text: string): { question: string; options: string[] | null } {
  let lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[0]?.trim() === VSI_PRE_PROMPT) lines = lines.slice(1);
  const last = lines[lines.length - 1]?.trim();
  if (last === VSI_CHOICE_POST_PROMPT || last === VSI_NUMBER_POST_PROMPT) lines = lines.slice(0, -1);
  const at = lines.findIndex((l) => l.trim() === 'Options:');
  if (at < 0) return { question: lines.join('\n').trim(), options: null };
  return { question: lines.slice(0, at).join('\n').trim(), options: lines.slice(at + 1).map((l) => l.trim()).filter((l) => l !== '') };
}

interface Loaded {
  solver: Solver;
  frames: number | undefined;
  observations: Map<string, Observation>;
}

/** The OpenAI response shapes this serves, as plain JSON. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: { role: 'assistant'; content: string };
    logprobs: { content: { token: string; logprob: number; bytes: number[]; top_logprobs: { token: string; logprob: number; bytes: number[] }[] }[] } | null;
    finish_reason: 'stop';
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const bytesOf = (s: string): number[] => [...Buffer.from(s, 'utf8')];

/** Splits an answer's text into `n` tokens (the built-in solver spells a measurement as magnitude group + bin). */
function tokensOf(text: string, n: number): string[] {
  if (n <= 1 || text.length < n) return [text];
  const cut = Math.ceil(text.length / 2);
  return [text.slice(0, cut), text.slice(cut)];
}

export class ChatCompletionsService {
  private readonly loaded = new Map<number, Promise<Loaded>>();

  constructor(private readonly store: () => Store) {}

  /** `GET /v1/models`: every checkpoint of the workspace. */
  models(): { object: 'list'; data: { id: string; object: 'model'; created: number; owned_by: string }[] } {
    const rows = listCheckpointTimes(this.store());
    return { object: 'list', data: rows.map((r) => ({ id: `${MODEL_PREFIX}${r.id}`, object: 'model', created: Math.floor(r.createdAt / 1000), owned_by: 'ouroboros' })) };
  }

  /** `POST /v1/chat/completions`. Bad requests throw InputError naming the field, as OpenAI's 400s do. */
  async complete(body: unknown): Promise<ChatCompletion> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InputError({ field: 'body', message: 'expected a JSON object' });
    const b = body as Record<string, unknown>;
    if (b.stream === true) throw new InputError({ field: 'stream', message: 'streaming is not supported by this server; send stream: false' });
    if (typeof b.model !== 'string' || !b.model.startsWith(MODEL_PREFIX) || !/^\d+$/.test(b.model.slice(MODEL_PREFIX.length))) {
      throw new InputError({ field: 'model', message: `expected ${MODEL_PREFIX}<checkpoint id> (GET /v1/models lists them)` });
    }
    const checkpointId = Number(b.model.slice(MODEL_PREFIX.length));
    const text = promptText(b.messages);
    const meta = (b.metadata ?? {}) as Record<string, unknown>;
    if (typeof meta !== 'object' || meta === null || typeof meta.scene_id !== 'string') {
      throw new InputError({ field: 'metadata.scene_id', message: 'expected the id of a scene in this workspace: the built-in solver perceives scenes through their detections, not pixels' });
    }
    const family = meta.question_type;
    if (typeof family !== 'string' || !(FAMILIES as readonly string[]).includes(family)) {
      throw new InputError({ field: 'metadata.question_type', message: `expected one of ${FAMILIES.join(', ')}` });
    }
    const { question, options } = parseVsiPrompt(text);
    if (question === '') throw new InputError({ field: 'messages', message: 'expected a question in the last user message' });
    const frame = typeof meta.frame === 'string' && /^\d+$/.test(meta.frame) ? Number(meta.frame) : undefined;
    const named = namedLabels(meta.named);
    const wantTop = b.logprobs === true ? (typeof b.top_logprobs === 'number' ? Math.max(0, Math.floor(b.top_logprobs)) : 0) : -1;

    const loaded = await this.load(checkpointId);
    const sceneId = meta.scene_id;
    let observation = loaded.observations.get(sceneId);
    if (!observation) {
      const store = this.store();
      observation = observeForQuestions([sceneId], (id) => loadScene(store, id), { seed: 0, ...(loaded.frames !== undefined ? { frames: loaded.frames } : {}) }).get(sceneId)!;
      loaded.observations.set(sceneId, observation);
    }
    const qa = {
      family: family as Family,
      question,
      answerType: options ? ('choice' as const) : ('number' as const),
      ...(options ? { options } : {}),
      ...(frame !== undefined ? { frame } : {}),
      ...(named ? { named } : {}),
    };
    const [a] = await loaded.solver.explain([{ qa, observation }]);
    const content = String(a!.prediction);
    const parts = tokensOf(content, a!.tokenProbs.length);
    const logprobs =
      wantTop < 0
        ? null
        : {
            content: parts.map((token, i) => ({
              token,
              logprob: Math.log(a!.tokenProbs[Math.min(i, a!.tokenProbs.length - 1)]!),
              bytes: bytesOf(token),
              top_logprobs: (i === 0 ? a!.letters.slice(0, wantTop) : []).map((l) => ({ token: l.letter, logprob: Math.log(l.p), bytes: bytesOf(l.letter) })),
            })),
          };
    const promptTokens = text.split(/\s+/).filter(Boolean).length;
    return {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: b.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, logprobs, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: parts.length, total_tokens: promptTokens + parts.length },
    };
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    for (const l of all) await (await l.catch(() => undefined))?.solver.dispose();
  }

  private load(checkpointId: number): Promise<Loaded> {
    let p = this.loaded.get(checkpointId);
    if (!p) {
      p = (async () => {
        const store = this.store();
        let ref;
        try {
          ref = getCheckpoint(store, checkpointId);
        } catch {
          throw new HostError('unavailable', `no checkpoint ${checkpointId} in this workspace (GET /v1/models lists them)`);
        }
        const runFrames = findRun(store, ref.runId)?.config.frames;
        const solver = await Solver.fromCheckpoint(readCheckpoint(store, ref.id));
        return { solver, frames: typeof runFrames === 'number' && Number.isInteger(runFrames) && runFrames >= 1 ? runFrames : undefined, observations: new Map() };
      })();
      p.catch(() => this.loaded.delete(checkpointId));
      this.loaded.set(checkpointId, p);
      // Keep a few models: each holds an onnxruntime session.
      while (this.loaded.size > 3) {
        const [oldest, value] = this.loaded.entries().next().value!;
        this.loaded.delete(oldest);
        void value.then((l) => l.solver.dispose()).catch(() => undefined);
      }
    }
    return p;
  }
}

/** `metadata.named`: a JSON list of the labels a question names (absent: the solver finds them in the text). */
function namedLabels(v: unknown): { label: string }[] | undefined {
  if (typeof v !== 'string') return undefined;
  let list: unknown;
  try {
    list = JSON.parse(v);
  } catch {
    throw new InputError({ field: 'metadata.named', message: 'expected a JSON list of label strings' });
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new InputError({ field: 'metadata.named', message: 'expected a JSON list of label strings' });
  return list.map((label: string) => ({ label }));
}

/** The text of the last user message: a string, or the text parts of a content list (images are skipped). */
function promptText(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) throw new InputError({ field: 'messages', message: 'expected a non-empty list of messages' });
  const user = [...messages].reverse().find((m) => m !== null && typeof m === 'object' && (m as { role?: unknown }).role === 'user') as { content?: unknown } | undefined;
  if (!user) throw new InputError({ field: 'messages', message: 'expected a user message' });
  if (typeof user.content === 'string') return user.content;
  if (!Array.isArray(user.content)) throw new InputError({ field: 'messages[].content', message: 'expected a string or a list of content parts' });
  return user.content
    .filter((p): p is { type: 'text'; text: string } => p !== null && typeof p === 'object' && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string')
    .map((p) => p.text)
    .join('\n');
}
