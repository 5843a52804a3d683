/**
 * CONTEXT — the engine host: the WorkbenchApi over a workspace, for the two transports (Electron's utility
 * process in src/main, the browser-mode server in src/server). Queries read the run store; runs execute in the
 * host's process through the RunManager; a watcher turns other processes' writes into events. Nothing here
 * knows about Electron, HTTP or the DOM.
 */
export { createWorkbenchHost, type WorkbenchHost, type WorkbenchHostOptions } from './host.js';
export { invokeApi } from './dispatch.js';
export { HostError, toErrorPayload, isExpectedError, type ErrorPayload, type HostErrorCode } from './errors.js';
export { contentSecurityPolicy, type CspOptions } from './contentSecurityPolicy.js';
export type { LoopEngine, LoopHandle, LoopRunOptions } from './loopEngine.js';
