/**
 * The desktop app's own options, from Electron's command line: `--workspace DIR` (or `=DIR`) and `--readonly`,
 * as for the CLI and browser mode. Electron's argv also holds its own and Chromium's switches, so unknown
 * arguments are left alone rather than refused.
 */
import { resolveWorkspaceDir } from '../engine/store/workspace.js';

export interface DesktopOptions {
  workspaceDir: string;
  readonly: boolean;
}

export function parseDesktopArgs(argv: readonly string[]): DesktopOptions {
  let workspace: string | undefined;
  let readonly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--readonly') readonly = true;
    else if (a.startsWith('--workspace=')) workspace = a.slice('--workspace='.length);
    else if (a === '--workspace' && argv[i + 1] !== undefined) workspace = argv[++i];
  }
  return { workspaceDir: resolveWorkspaceDir(workspace !== undefined ? { flag: workspace } : {}), readonly };
}
