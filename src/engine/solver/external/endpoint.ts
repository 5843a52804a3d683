/**
 * Settings of a model behind an OpenAI-compatible chat-completions endpoint (EndpointConfig in shared/loop.ts):
 * defaults and validation.
 */
import { InputError } from '../../../shared/errors.js';
import { DEFAULT_ENDPOINT, type EndpointConfig } from '../../../shared/loop.js';

export type { EndpointConfig } from '../../../shared/loop.js';

/** How the workbench's own endpoint (`npm run serve`'s /v1, host/chatCompletions.ts) names its models: checkpoint ids. */
export const MODEL_PREFIX = 'ouroboros/checkpoint-';
export { DEFAULT_ENDPOINT } from '../../../shared/loop.js';

/** Checks and completes endpoint settings; `field` prefixes every problem (e.g. `config.endpoint`). */
export function resolveEndpointConfig(input: unknown, field: string): EndpointConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new InputError({ field, message: 'expected {baseUrl, model, …}' });
  const o = input as Record<string, unknown>;
  const known = ['baseUrl', 'model', ...Object.keys(DEFAULT_ENDPOINT)];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new InputError({ field: `${field}.${unknown[0]}`, message: `unknown setting; expected one of ${known.join(', ')}` });
  const str = (k: string, fallback?: string): string => {
    const v = o[k] ?? fallback;
    if (typeof v !== 'string' || v.trim() === '') throw new InputError({ field: `${field}.${k}`, message: 'expected a non-empty string' });
    return v;
  };
  const int = (k: keyof typeof DEFAULT_ENDPOINT, min: number, max: number): number => {
    const v = o[k] ?? DEFAULT_ENDPOINT[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InputError({ field: `${field}.${k}`, message: `expected a whole number in [${min}, ${max}], found ${String(v)}` });
    return v;
  };
  const baseUrl = str('baseUrl');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InputError({ field: `${field}.baseUrl`, message: 'expected an http(s) URL such as http://127.0.0.1:8000/v1' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError({ field: `${field}.baseUrl`, message: `expected an http(s) URL, found ${url.protocol}` });
  if (url.username || url.password) throw new InputError({ field: `${field}.baseUrl`, message: 'credentials do not belong in the URL (it is stored with the run); put the key in the variable apiKeyEnv names' });
  const apiKeyEnv = str('apiKeyEnv', DEFAULT_ENDPOINT.apiKeyEnv);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) throw new InputError({ field: `${field}.apiKeyEnv`, message: 'expected the name of an environment variable (letters, digits, _), not a key' });
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    model: str('model'),
    apiKeyEnv,
    frames: int('frames', 1, 128),
    concurrency: int('concurrency', 1, 64),
    timeoutMs: int('timeoutMs', 1000, 3_600_000),
    maxRetries: int('maxRetries', 0, 10),
    topLogprobs: int('topLogprobs', 0, 100),
  };
}
