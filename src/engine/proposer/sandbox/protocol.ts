/**
 * What the host thread and the engine thread (engineWorker.mjs) say to each other. The worker is plain
 * JavaScript: it reads these types through JSDoc, and repeats the constants it needs (workerProtocol.mjs,
 * workerDeadlines.mjs), each typed as the literal here so that the type check catches a drift.
 */
import type { FailureKind, JsonValue } from './types.js';

/** Resolved limits, sent to the engine thread once at start. */
export interface EngineLimits {
  memoryLimitBytes: number;
  timeLimitMs: number;
  stackLimitBytes: number;
  maxResultChars: number;
  openTimeLimitMs: number;
}

export type EngineRequest =
  /** Without a reply when a batch for the context follows at once: a failure is then that batch's reply. */
  | { op: 'open'; id: number; prelude: string; dataJson: string; reply: boolean }
  | { op: 'batch'; id: number; programs: WireProgram[]; reply: true }
  | { op: 'close'; id: number; reply: false }
  | { op: 'ping'; reply: true };

/** A program as the driver reads it: the source alone, or the source and its args as JSON text. */
export type WireProgram = string | { s: string; a: string };

/** One outcome as the driver writes it: [1, value] or [0, kind, message, line | null]. */
export type WireRow = [1, JsonValue] | [0, FailureKind, string, number | null];

export type EngineReply =
  | {
      ok: true;
      /** Time the engine thread spent on the request. */
      ms: number;
      /** batch: a JSON array of WireRow, one per program, in request order. */
      rows?: string;
      /** batch: each program's time in ms, in request order. */
      times?: Float64Array;
    }
  | { ok: false; error: string };

/** Sent once on the request port when the thread has loaded QuickJS (or failed to). */
export type EngineBoot = { type: 'ready' } | { type: 'failed'; message: string };

/*
 * Shared memory (SharedArrayBuffer of SHARED_BYTES):
 *   Int32[REPLY]      0 while the host waits; the engine thread stores 1 (and notifies) after posting a reply
 *   Int32[PROGRESS]   position, in the current request's program list, of the program running now; −1 when none
 *   Float64[DEADLINE] epoch ms by which the engine thread promises to finish what it is doing now
 *   Float64[STARTED]  epoch ms when that began
 * The engine thread writes PROGRESS/DEADLINE/STARTED at every program start without any message, so the host's
 * watchdog can tell a stuck program from a long batch, and name the culprit, while blocked in Atomics.wait.
 */
export const SHARED_BYTES = 24;
export const INT32_SLOTS = 2;
export const REPLY = 0;
export const PROGRESS = 1;
export const FLOAT64_OFFSET = 8;
export const FLOAT64_SLOTS = 2;
export const DEADLINE = 0;
export const STARTED = 1;

/** Work the engine thread does outside programs (JSON, a fresh context) must finish within this. */
export const HOUSEKEEPING_MS = 5000;

/** Epoch milliseconds with sub-millisecond resolution, comparable across threads. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
