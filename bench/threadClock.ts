/**
 * Where a loop process's calling thread spends its time, for the CUDA target: inside onnxruntime's session runs on
 * this thread (training; on the CPU answering runs on the inference lanes' threads, on CUDA here), idle (the event
 * loop waiting: for the lanes, the sandbox, the disk), and the rest — this thread's own JavaScript and garbage
 * collection (encoding, drafting, filters, the store, scenes), which no GPU speeds up. Session runs are timed from
 * call to settling while any is in flight; the idle time is the event loop's own account (`eventLoopUtilization`).
 * The stages bench clocks its own thread (stages.ts); the GPU check clocks the `npm run loop` child it starts through
 * threadClockHook.ts, which reports on exit in the line `threadLine` writes.
 */
import { InferenceSession } from 'onnxruntime-node';
import type { BenchRow } from './harness.js';

export interface ThreadTimes {
  onnxMs: number;
  idleMs: number;
  activeMs: number;
}

export function mainThreadClock(): { stop(): ThreadTimes } {
  // onnxruntime-common exports its session class under a factory type; its prototype is where `run` lives.
  const proto = (InferenceSession as unknown as { prototype: { run: (...args: unknown[]) => Promise<unknown> } }).prototype;
  const original = proto.run;
  let inFlight = 0;
  let since = 0;
  let onnxMs = 0;
  proto.run = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    if (inFlight++ === 0) since = performance.now();
    const settled = (): void => {
      if (--inFlight === 0) onnxMs += performance.now() - since;
    };
    const result = original.apply(this, args);
    result.then(settled, settled);
    return result;
  };
  const start = performance.eventLoopUtilization();
  return {
    stop() {
      proto.run = original;
      const elu = performance.eventLoopUtilization(start);
      return { onnxMs, idleMs: elu.idle, activeMs: elu.active };
    },
  };
}

/** The three rows for a job of `wallMs` (both benches print them alike). */
export function threadRows(t: ThreadTimes, wallMs: number, prefix = 'calling thread'): BenchRow[] {
  const own = t.activeMs - t.onnxMs;
  return [
    { name: `${prefix}: inside onnxruntime session runs`, value: t.onnxMs / 1000, unit: 's', note: 'training; answering too where it runs on this thread (CUDA), on the CPU it runs on the inference lanes' },
    { name: `${prefix}: idle, waiting`, value: t.idleMs / 1000, unit: 's', note: 'for the inference lanes, the sandbox, the disk' },
    { name: `${prefix}: its own JavaScript and GC`, value: own / 1000, unit: 's', note: `${((100 * own) / wallMs).toFixed(0)}% of the run: what a GPU does not speed up (the CUDA target is < 20 s)` },
  ];
}

const LINE = 'calling-thread clock (ms):';

/** The line threadClockHook.ts writes to stderr when its process exits. */
export const threadLine = (t: ThreadTimes): string => `${LINE} onnxruntime ${t.onnxMs.toFixed(1)}, idle ${t.idleMs.toFixed(1)}, active ${t.activeMs.toFixed(1)}`;

/** That line read back from a child's output; undefined when it is not there. */
export function parseThreadLine(output: string): ThreadTimes | undefined {
  const m = new RegExp(`^${LINE.replace(/[()]/g, '\\$&')} onnxruntime ([\\d.]+), idle ([\\d.]+), active ([\\d.]+)$`, 'm').exec(output);
  return m ? { onnxMs: Number(m[1]), idleMs: Number(m[2]), activeMs: Number(m[3]) } : undefined;
}
