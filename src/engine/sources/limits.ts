/**
 * Bounds the scene importers enforce on what files declare, so that absurd values are refused by name
 * instead of flowing into derived fields (a room area of 3.6e77 m², NaN centres).
 */

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
