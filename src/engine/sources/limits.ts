/**
 * Bounds the scene importers enforce on what files declare, so that absurd values are refused by name
 * instead of flowing into derived fields (a room area of 3.6e77 m², NaN centres), and on the sizes of what is
 * read whole.
 */
import { statSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';

/**
 * Largest coordinate magnitude, in metres, an importer accepts (PLY vertices, box centres and corners, room
 * centres, camera translations). Scenes here are rooms and buildings, tens of metres across. Points are stored
 * as float32, whose spacing at 1e5 is 7.8 mm, about the point spacing of the scans; beyond it positions are
 * quantised more coarsely than the scans resolve, and products of coordinates (areas, volumes) soon stop
 * meaning anything. 100 km still admits local survey frames; geo-referenced clouds (UTM eastings of
 * 10^5–10^6 m, northings to 10^7 m) must be recentred first.
 */
export const MAX_COORDINATE_M = 1e5;

/** Largest box side (or room span) that fits inside the coordinate bound. */
export const MAX_LENGTH_M = 2 * MAX_COORDINATE_M;

/** Largest floor area, m², that fits inside the coordinate bound. */
export const MAX_AREA_M2 = MAX_LENGTH_M * MAX_LENGTH_M;

/** How errors state the coordinate bound, so every importer words it the same way. */
export function coordinateBoundText(): string {
  return `within ±${MAX_COORDINATE_M} m (the importers' bound on scene size)`;
}

/**
 * Largest scene-metadata JSON file read (VSI-Bench meta_info, ARKitScenes annotations): it is parsed whole, and
 * V8 cannot hold a string much past 512 MB. The VSI-Bench files are a few MB.
 */
export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;

/** Largest point-cloud / mesh file read (PLY): read whole into memory. A ScanNet scan is 100–250 MB. */
export const MAX_POINT_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Largest camera image read per frame (ScanNet colour JPEG, ARKitScenes PNG): each is held in memory until the
 * scene is saved. A ScanNet colour frame is ~0.2 MB, an ARKitScenes lowres_wide PNG ~0.1 MB.
 */
export const MAX_FRAME_IMAGE_BYTES = 32 * 1024 * 1024;

/**
 * Most frames with images one scene may take (`frames`): every image is held in memory until the scene is saved
 * and stored as a blob; 1,024 ScanNet frames are ~200 MB. Matches the loop's cap on perception frames.
 */
export const MAX_IMAGE_FRAMES = 1024;

/** Most scenes one run may hold: every scene of a run is loaded into memory when it starts or resumes. */
export const MAX_SCENES_PER_RUN = 10_000;

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 2 : 0)} MB`;

/**
 * Refuses a file past `limit` before reading it, naming the file, its size and the limit (reading it anyway would
 * fail deep inside V8 with a message that names neither). A file that cannot be stat'ed is left to the reader,
 * whose error says why.
 */
export function checkFileSize(file: string, limit: number, what: string, advice: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return;
  }
  if (size > limit) throw new InputError({ file, message: `${what} of ${mib(size)}: files up to ${mib(limit)} are read (${advice})` });
}
