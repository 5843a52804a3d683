// @ts-check
/**
 * One inference worker of a PredictorPool (predictorPool.ts): a worker_threads Worker holding its own
 * onnxruntime session of the inference model. onnxruntime-node runs a session synchronously on the calling
 * thread, so inference spreads over cores only through threads of our own; each worker's session is configured
 * exactly like the in-process predictor's, so a batch gives the same bits whichever worker runs it.
 * Plain JavaScript so that Node starts it as is under vitest and tsx (a bundled build ships it beside the code
 * that spawns it: electron.vite.config.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';

/**
 * @typedef {{ name: string, dtype: 'float32' | 'int64' | 'int32' | 'bool', shape: number[] }} Spec
 * @typedef {{ bytes: Uint8Array, options: import('onnxruntime-node').InferenceSession.SessionOptions, inputs: Spec[], params: Spec[], outputs: string[] }} Boot
 * @typedef {{ type: 'params', id: number, params: Record<string, Float32Array> }
 *   | { type: 'run', id: number, batch: Record<string, Float32Array | BigInt64Array | Int32Array | Uint8Array> }} Request
 */

const port = parentPort;
if (!port) throw new Error('predictorWorker.mjs runs only as a worker thread');
const boot = /** @type {Boot} */ (workerData);

/** @type {Record<string, Tensor>} */
let params = {};
const session = InferenceSession.create(boot.bytes, boot.options);

/** @param {Request} msg */
const handle = async (msg) => {
  const s = await session;
  if (msg.type === 'params') {
    params = {};
    for (const p of boot.params) params[p.name] = new Tensor('float32', /** @type {Float32Array} */ (msg.params[p.name]), p.shape);
    return {};
  }
  /** @type {Record<string, Tensor>} */
  const feeds = { ...params };
  for (const spec of boot.inputs) feeds[spec.name] = new Tensor(spec.dtype, /** @type {Float32Array} */ (msg.batch[spec.name]), spec.shape);
  const results = await s.run(feeds);
  /** @type {Record<string, unknown>} */
  const outputs = {};
  for (const name of boot.outputs) outputs[name] = results[name]?.data;
  return { outputs };
};

port.on('message', (/** @type {Request} */ msg) => {
  handle(msg).then(
    (reply) => port.postMessage({ id: msg.id, ...reply }),
    (e) => port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
// Session creation fails here (a model onnxruntime refuses) before any request: say so at once.
session.then(
  () => port.postMessage({ id: 0 }),
  (e) => port.postMessage({ id: 0, error: e instanceof Error ? e.message : String(e) }),
);
