import type { BenchModule } from './harness.js';

/** Registered benchmarks, in the order they print. */
export const modules: BenchModule[] = [];
