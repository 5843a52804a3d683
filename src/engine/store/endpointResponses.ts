/**
 * Cached endpoint responses (migration 0007), keyed by a hash of what was asked (solver/external ›
 * requestKey): a resumed run or a repeated evaluation reads them instead of asking the model again.
 */
import { fromJson, toJson } from './json.js';
import type { Store } from './store.js';

export function getEndpointResponse<T>(store: Store, key: string): T | undefined {
  const row = store.prepare('SELECT response FROM endpoint_responses WHERE key = ?').pluck().get(key) as string | undefined;
  return row === undefined ? undefined : fromJson<T>(row, `endpoint response ${key}`);
}

/** First writer wins: the same key always describes the same request, so any answer to it will do. */
export function putEndpointResponse(store: Store, key: string, model: string, response: unknown): void {
  if (store.readonly) return;
  store.prepare('INSERT OR IGNORE INTO endpoint_responses (key, model, response, created_at) VALUES (?, ?, ?, ?)').run(key, model, toJson(response), Date.now());
}

export function countEndpointResponses(store: Store): number {
  return store.prepare('SELECT count(*) FROM endpoint_responses').pluck().get() as number;
}
