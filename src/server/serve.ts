/**
 * Browser mode as a command: options, start-up, the lines that tell the user where to go, and a clean stop that
 * pauses a running loop (so it stays resumable) before the process exits. Entry point: cli.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../shared/errors.js';
import { flag, intFlag, parseArgs } from '../engine/cli/args.js';
import { createWorkbenchHost } from '../engine/host/host.js';
import { processLoopEngine } from '../engine/host/loopEngine.js';
import { ChatCompletionsService } from '../engine/host/chatCompletions.js';
import { StoreConnection } from '../engine/host/connection.js';
import { resolveWorkspaceDir, workspacePaths } from '../engine/store/workspace.js';
import { appVersion, RENDERER_DIR } from './paths.js';
import { DEFAULT_PORT, startWorkbenchServer } from './server.js';
import { rendererBuilt } from './staticFiles.js';

export const SERVE_USAGE = 'usage: npm run serve -- [--workspace DIR] [--port N] [--readonly] [--allow-dir DIR]…';

export interface ServeOptions {
  workspaceDir: string;
  port: number;
  readonly: boolean;
  /** Folders besides the workspace that runs started in the browser may read scene files from. */
  allowDirs?: string[];
}

export function parseServeArgs(argv: string[]): ServeOptions {
  const args = parseArgs(argv, { workspace: 'string', port: 'string', readonly: 'boolean', debug: 'boolean', 'allow-dir': 'string' });
  if (args.positionals.length > 0) throw new InputError({ message: `unexpected argument "${args.positionals[0]}"\n${SERVE_USAGE}` });
  const workspace = flag(args, 'workspace');
  const port = intFlag(args, 'port', DEFAULT_PORT, 1);
  if (port > 65535) throw new InputError({ field: '--port', message: `expected a port from 1 to 65535, found ${port}` });
  return {
    workspaceDir: resolveWorkspaceDir(workspace !== undefined ? { flag: workspace } : {}),
    port,
    readonly: flag(args, 'readonly') === 'true',
    allowDirs: (args.flags.get('allow-dir') ?? []).map((d) => resolve(d)),
  };
}

/** Starts host and server, prints where to go, and shuts both down cleanly on Ctrl-C / SIGTERM. */
export async function serve(options: ServeOptions, intro = ''): Promise<void> {
  // Runs execute in child processes (loopProcess.ts): a run of any size never holds up this server's event loop.
  const host = createWorkbenchHost({ workspaceDir: options.workspaceDir, readonly: options.readonly, transport: 'http', appVersion: appVersion(), engine: processLoopEngine });
  // The workspace's checkpoints behind OpenAI's chat-completions API, on a read-only connection of its own.
  const chatStore = new StoreConnection(options.workspaceDir, true);
  const chat = new ChatCompletionsService(() => chatStore.get());
  const closeChat = async (): Promise<void> => {
    await chat.close();
    chatStore.close();
  };
  let server;
  try {
    server = await startWorkbenchServer({ host, port: options.port, rendererDir: RENDERER_DIR, allowedDirs: [options.workspaceDir, ...(options.allowDirs ?? [])], chat });
  } catch (e) {
    await host.close();
    await closeChat();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new InputError({ field: '--port', message: `port ${options.port} is already in use (another \`npm run serve\`?); choose another with --port N` });
    }
    throw e;
  }
  const lines = [
    intro,
    `Ouroboros Workbench (browser mode): ${server.url}`,
    `OpenAI-compatible API over this workspace's checkpoints: ${server.url}v1 (models: ${server.url}v1/models)`,
    `workspace: ${options.workspaceDir}${options.readonly ? ' (read-only: runs cannot be started here)' : ''}`,
    options.readonly && !existsSync(workspacePaths(options.workspaceDir).dbPath)
      ? 'note: there is no workspace database there yet; the page shows it once a writing process (npm run loop, npm run scenes) creates it'
      : '',
    rendererBuilt(RENDERER_DIR) ? '' : `note: the renderer is not built (${RENDERER_DIR} is missing); run \`npm run build\` and reload the page`,
    'press Ctrl-C to stop',
  ].filter((l) => l !== '');
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      process.stdout.write('stopping (a running loop is paused so it can be resumed)…\n');
      void Promise.allSettled([server.close(), host.close(), closeChat()]).then(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
