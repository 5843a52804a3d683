/** The generative proposer's settings (ProposerConfig in shared/loop.ts): defaults and validation. */
import { InputError } from '../../../shared/errors.js';
import type { ProposerConfig, ProposerModelConfig } from '../../../shared/loop.js';
import { DEFAULT_PROPOSER_MODEL } from '../../../shared/loop.js';
import { resolveEndpointConfig } from '../../solver/external/endpoint.js';

const MODEL_KEYS = ['baseUrl', 'model', ...Object.keys(DEFAULT_PROPOSER_MODEL)];

/**
 * Checks and completes the proposer's settings; `field` prefixes every problem (`config.proposer`). A share of 0
 * resolves to null: it behaves exactly like no generative proposer, so it must compare equal to one.
 */
export function resolveProposerConfig(input: unknown, field: string): ProposerConfig | null {
  if (input === null || input === undefined) return null;
  if (typeof input !== 'object' || Array.isArray(input)) throw new InputError({ field, message: 'expected {share, llm: {baseUrl, model, …}} or null' });
  const o = input as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'share' && k !== 'llm');
  if (unknown.length > 0) throw new InputError({ field: `${field}.${unknown[0]}`, message: 'unknown setting; expected share or llm' });
  const share = o.share;
  if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
    throw new InputError({ field: `${field}.share`, message: `expected the share of each round's drafts the model writes, in [0, 1], found ${JSON.stringify(share)}` });
  }
  if (share === 0) return null;
  const llmField = `${field}.llm`;
  const llm = o.llm;
  if (llm === null || typeof llm !== 'object' || Array.isArray(llm)) throw new InputError({ field: llmField, message: 'expected {baseUrl, model, …}: the endpoint of the model that writes questions' });
  const m = llm as Record<string, unknown>;
  const extra = Object.keys(m).filter((k) => !MODEL_KEYS.includes(k));
  if (extra.length > 0) throw new InputError({ field: `${llmField}.${extra[0]}`, message: `unknown setting; expected one of ${MODEL_KEYS.join(', ')}` });
  // The URL, key-variable and limit checks are the endpoint solver's; only its image settings do not apply.
  const { temperature, maxTokens, ...endpointPart } = m;
  const e = resolveEndpointConfig(endpointPart, llmField);
  const t = temperature ?? DEFAULT_PROPOSER_MODEL.temperature;
  if (typeof t !== 'number' || !(t >= 0 && t <= 2)) throw new InputError({ field: `${llmField}.temperature`, message: `expected a number in [0, 2], found ${JSON.stringify(t)}` });
  const mt = maxTokens ?? DEFAULT_PROPOSER_MODEL.maxTokens;
  if (typeof mt !== 'number' || !Number.isInteger(mt) || mt < 64 || mt > 32_768) {
    throw new InputError({ field: `${llmField}.maxTokens`, message: `expected a whole number in [64, 32768], found ${JSON.stringify(mt)}` });
  }
  const resolved: ProposerModelConfig = {
    baseUrl: e.baseUrl,
    model: e.model,
    apiKeyEnv: e.apiKeyEnv,
    concurrency: e.concurrency,
    timeoutMs: e.timeoutMs,
    maxRetries: e.maxRetries,
    temperature: t,
    maxTokens: mt,
  };
  return { share, llm: resolved };
}
