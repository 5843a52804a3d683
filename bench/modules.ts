import type { BenchModule } from './harness.js';
import { plyBench } from './ply.js';
import { storeBench } from './store.js';
import { syntheticBench } from './synthetic.js';

/** Registered benchmarks, in the order they print. */
export const modules: BenchModule[] = [plyBench, syntheticBench, storeBench];
