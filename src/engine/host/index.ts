/**
 * CONTEXT — the engine host: the WorkbenchApi over a workspace, for the two transports (Electron's utility
 * process in src/main, the browser-mode server in src/server). Queries read the run store; runs execute through
 * the RunManager's LoopEngine, in the host's process (Electron) or in a child process per run (browser mode:
 * processLoopEngine); a watcher turns other processes' writes into events. Nothing here knows about Electron,
 * HTTP or the DOM.
 */
export { createWorkbenchHost, type WorkbenchHost, type WorkbenchHostOptions } from './host.js';
export { invokeApi } from './dispatch.js';
export { HostError, toErrorPayload, isExpectedError, type ErrorPayload, type HostErrorCode } from './errors.js';
export { contentSecurityPolicy, type CspOptions } from './contentSecurityPolicy.js';
export { processLoopEngine, type LoopEngine, type LoopHandle, type LoopRunOptions } from './loopEngine.js';
