/**
 * The window's icon. The build copies resources/icons/icon-512.png beside the main bundle as icon.png
 * (electron.vite.config.ts), so the bundle finds it whatever folder it was built into or packaged in, rather
 * than by a path back into the source tree. No electron import here: tests load this module in plain Node.
 */
import { join } from 'node:path';

/** The PNG the build copies, relative to the repository root (rendered from icon.svg by render.ts beside it). */
export const WINDOW_ICON_SOURCE = 'resources/icons/icon-512.png';
/** Its name beside the bundled main entry. */
export const WINDOW_ICON_FILE = 'icon.png';
/** Pixels per side: Linux and Windows scale it down for taskbars and title bars, never up. */
export const WINDOW_ICON_SIZE = 512;

/**
 * Where the icon is for the main entry in `mainDir`. The entry passes its own folder: code in this module could
 * land in a shared chunk (out/main/chunks), whose folder is not the entry's.
 */
export function windowIconPath(mainDir: string): string {
  return join(mainDir, WINDOW_ICON_FILE);
}
