/**
 * Encoded samples kept by content, so a question encoded once is not encoded again while it is still in use.
 *
 * Why: encoding runs on the calling thread (about 30 µs a question, more for the first question about a scene),
 * beside inference that takes a core for about 1 ms a question on the CPU and far less on a GPU, where encoding
 * is what the answering waits for; and the loop meets the same question several times in one process — the solve stage answers a round's accepted questions,
 * the train stage then trains on most of them (built afresh from the stored rows, so as new objects), and every
 * round scores the same benchmark. A cache keyed by sample object missed the solve → train reuse; this one is
 * keyed by what encoding reads: the question's content, the observation, the encoding settings and whether the
 * ground truth is attached.
 *
 * No stale data: the settings part of the key is a SHA-256 of the vocabulary, model configuration and target
 * spread (a solver with another vocabulary or size never sees these entries); the question part is its JSON;
 * observations are told apart by object identity (a serial number per object, held weakly), since the loop keeps
 * one Observation per scene and never changes it after it is made — an observation with other content is another
 * object, so another key. Size is bounded in bytes (least recently used go first), so a long run or a large
 * model does not grow memory without limit.
 */
import { createHash } from 'node:crypto';
import type { Observation } from '../../shared/observation.js';
import type { EncodedSample, SolverQuestion } from './features.js';

/**
 * Default budget. The main job's working set is its benchmark (5,819 questions) plus one round's accepted ones
 * (~3,500): 9,300 encodings, 145 MB at the default model's 15.6 kB each, 342 MB at the large model's 36.8 kB.
 * Below the working set a least-recently-used cache scanning the benchmark in order misses every time, so the
 * budget covers the large model's too.
 */
export const DEFAULT_ENCODING_CACHE_BYTES = 512 * 1024 * 1024;

/** What an encoding depends on besides the sample: one string per solver configuration. */
export function encodingSettingsKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Whether an encoding carries the ground truth: 'optional' and 'require' encode an answered question alike. */
export type AnswerPart = 'with-answer' | 'without-answer';

function bytesOf(e: EncodedSample): number {
  // Typed arrays dominate; the small fixed part (name, stats) is counted as a flat 256 bytes.
  return e.tokens.byteLength + e.segments.byteLength + e.numbers.byteLength + e.labels.byteLength + e.features.byteLength + e.slots.byteLength + e.mask.byteLength + e.bias.byteLength + (e.target?.byteLength ?? 0) + 256;
}

export class EncodingCache {
  private readonly entries = new Map<string, { encoded: EncodedSample; bytes: number }>();
  private readonly observationIds = new WeakMap<Observation, number>();
  private nextObservationId = 1;
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = DEFAULT_ENCODING_CACHE_BYTES) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a finite number ≥ 0, got ${maxBytes}`);
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  key(settings: string, answer: AnswerPart, qa: SolverQuestion, observation: Observation): string {
    let id = this.observationIds.get(observation);
    if (id === undefined) this.observationIds.set(observation, (id = this.nextObservationId++));
    return `${settings}|${answer}|${id}|${JSON.stringify(qa)}`;
  }

  get(key: string): EncodedSample | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.encoded;
  }

  set(key: string, encoded: EncodedSample): void {
    const bytes = bytesOf(encoded);
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { encoded, bytes });
    this.used += bytes;
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(k);
      this.used -= e.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
