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

/** The model registered for a run after `roundsTrained` rounds of training by hand (migration 0009), if any. */
export function registeredEndpointModel(store: Store, runId: string, roundsTrained: number): string | undefined {
  return store.prepare('SELECT model FROM endpoint_models WHERE run_id = ? AND rounds_trained = ?').pluck().get(runId, roundsTrained) as string | undefined;
}

/** Registers (or replaces) the model a run asks after `roundsTrained` rounds of training. */
export function registerEndpointModel(store: Store, runId: string, roundsTrained: number, model: string): void {
  store.assertWritable('register a model');
  store
    .prepare(
      `INSERT INTO endpoint_models (run_id, rounds_trained, model, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, rounds_trained) DO UPDATE SET model = excluded.model, created_at = excluded.created_at`,
    )
    .run(runId, roundsTrained, model, Date.now());
}
