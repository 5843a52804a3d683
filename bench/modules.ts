import type { BenchModule } from './harness.js';
import { storeBench } from './store.js';
import { syntheticBench } from './synthetic.js';

/** Registered benchmarks, in the order they print. */
export const modules: BenchModule[] = [syntheticBench, storeBench];
