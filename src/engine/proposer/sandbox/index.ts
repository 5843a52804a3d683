/** Executes untrusted programs in QuickJS on a dedicated engine thread. Contracts: CONTEXT.md. */
export { createSandbox } from './sandbox.js';
export { SandboxError } from './types.js';
export type { FailureKind, JsonValue, ProgramInput, ProgramOutcome, Sandbox, SandboxContext, SandboxOptions } from './types.js';
