// @ts-check
/**
 * The engine thread's side of protocol.ts: its start-up data, the shared-memory layout and how it answers.
 * The thread is plain JavaScript that Node starts without the host's loaders, so it cannot import protocol.ts
 * at run time. The layout is repeated here instead, each constant typed as protocol.ts's own literal: the type
 * checker (npm run typecheck) fails as soon as the two disagree.
 */
import { workerData } from 'node:worker_threads';

/** @type {typeof import('./protocol.js').REPLY} */
const REPLY = 0;
/** @type {typeof import('./protocol.js').PROGRESS} */
export const PROGRESS = 1;
/** @type {typeof import('./protocol.js').INT32_SLOTS} */
const INT32_SLOTS = 2;
/** @type {typeof import('./protocol.js').FLOAT64_OFFSET} */
const FLOAT64_OFFSET = 8;
/** @type {typeof import('./protocol.js').FLOAT64_SLOTS} */
const FLOAT64_SLOTS = 2;
/** @type {typeof import('./protocol.js').DEADLINE} */
export const DEADLINE = 0;
/** @type {typeof import('./protocol.js').STARTED} */
export const STARTED = 1;

/** @type {{ port: import('node:worker_threads').MessagePort, shared: SharedArrayBuffer, limits: import('./protocol.js').EngineLimits }} */
const start = workerData;
export const { port, limits } = start;
/** Int32 slots: REPLY, PROGRESS. */
export const flags = new Int32Array(start.shared, 0, INT32_SLOTS);
/** Float64 slots: DEADLINE, STARTED. */
export const times = new Float64Array(start.shared, FLOAT64_OFFSET, FLOAT64_SLOTS);

/**
 * Posts a message to the host and wakes it: the host blocks in Atomics.wait on REPLY, not on the port.
 * @param {import('./protocol.js').EngineReply | import('./protocol.js').EngineBoot} message
 */
export const answer = (message) => {
  port.postMessage(message);
  Atomics.store(flags, REPLY, 1);
  Atomics.notify(flags, REPLY);
};

/** @param {unknown} e */
export const messageOf = (e) => (e instanceof Error ? e.message : String(e));
