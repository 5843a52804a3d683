/**
 * `node --import tsx --import ./bench/threadClockHook.ts PROGRAM`: clocks PROGRAM's main thread (threadClock.ts) and
 * writes the figures in one line to stderr when it exits. The GPU check starts `npm run loop` this way, so the CUDA
 * main job reports how much of its time is the calling thread's own work.
 */
import { mainThreadClock, threadLine } from './threadClock.js';

const clock = mainThreadClock();
process.on('exit', () => process.stderr.write(`${threadLine(clock.stop())}\n`));
