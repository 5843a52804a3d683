// @ts-check
/**
 * The engine thread's clock: the deadline QuickJS's interrupt handler enforces, and what the host's watchdog
 * reads in shared memory (which program runs, since when, until when) while it blocks in Atomics.wait.
 * Programs of one VM call never message the host: the driver calls `onTick` as each one starts.
 */
import { DEADLINE, PROGRESS, STARTED, flags, limits, times } from './workerProtocol.mjs';

/**
 * Work outside programs (JSON, a fresh context) must finish within this, or the watchdog replaces the thread.
 * @type {typeof import('./protocol.js').HOUSEKEEPING_MS}
 */
export const HOUSEKEEPING_MS = 5000;
/** One VM call runs at most this many programs (workerBatch.mjs), so their start times fit a fixed array. */
export const CHUNK_PROGRAMS = 512;

let deadline = Infinity;
let interrupted = false;
/** Positions (in the request's list) of the programs in the VM call under way; tick n starts chunk[n]. */
/** @type {readonly number[]} */
let chunk = [];
let ticks = 0;
const tickTimes = new Float64Array(CHUNK_PROGRAMS + 1);

/**
 * Arms the interrupt deadline and tells the host's watchdog what we are doing and for how long.
 * @param {number} ms @param {number} position  in the request's program list; −1 outside programs
 */
export const beginUnit = (ms, position) => {
  const now = performance.now();
  deadline = now + ms;
  interrupted = false;
  Atomics.store(flags, PROGRESS, position);
  times[STARTED] = performance.timeOrigin + now;
  times[DEADLINE] = times[STARTED] + ms;
  return now;
};

/** The interrupt handler QuickJS polls; remembers that it fired, which tells a timeout from an error. */
export const shouldInterrupt = () => {
  if (performance.now() <= deadline) return false;
  interrupted = true;
  return true;
};

/** Whether the interrupt handler stopped the work begun by the last `beginUnit`. */
export const wasInterrupted = () => interrupted;

/**
 * Runs `work` with a housekeeping deadline and then puts the previous one back, without telling the watchdog:
 * for short cleanup between programs, when the unit under way must keep its own time.
 * @template T @param {() => T} work @returns {T}
 */
export const withHousekeepingDeadline = (work) => {
  const saved = deadline;
  deadline = performance.now() + HOUSEKEEPING_MS;
  const result = work();
  deadline = saved;
  return result;
};

/**
 * The programs the next VM call runs, by position in the request's list; their ticks count from 0 again.
 * @param {readonly number[]} positions
 */
export const startChunk = (positions) => {
  chunk = positions;
  ticks = 0;
};

// The driver calls this as each program starts: one cheap host call instead of a message per program.
export const onTick = () => {
  const position = chunk[ticks] ?? -1;
  tickTimes[Math.min(ticks, CHUNK_PROGRAMS)] = beginUnit(limits.timeLimitMs, position);
  ticks++;
};

/** How many programs of the current chunk have started (the last of them is running or was stopped). */
export const ticksStarted = () => ticks;

/** When the j-th program of the current chunk started (performance.now() time). @param {number} j */
export const tickTime = (j) => /** @type {number} */ (tickTimes[j]);
