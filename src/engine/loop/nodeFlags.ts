/**
 * Node flags for a process that runs the loop: V8's young generation with 64 MiB semi-spaces instead of Node 20's
 * 16. The loop makes many objects that live a little while (a round's questions, verdicts, encodings, rows): with
 * 16 MiB they outlive a scavenge, are promoted, and old space fills, so marking and major collections follow.
 * Measured on the main job (`--trace-gc`, four runs alternated with and without the flag, 2026-12-05): the calling
 * thread's GC pauses 3.1–4.5 s a run without, 2.6–2.9 s with (about 280 scavenges and 45 major GCs against 460 and
 * 70); the results are the same, the wall time moved within its noise. V8 sizes the heap when it is made, so it has
 * to be a process flag — package.json's scripts carry it (test/engine/loop/nodeFlags.test.ts keeps them equal to
 * this list) and the browser-mode loop child gets it in its execArgv; `v8.setFlagsFromString` later does not resize.
 */
export const LOOP_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
