/** The scale bar: a round length in metres (1, 2 or 5 × 10^k) whose bar is close to a wanted width on screen. */

export interface ScaleBar {
  metres: number;
  px: number;
  label: string;
}

/** `pxPerMetre`: screen pixels one metre spans at the depth the bar describes. */
export function scaleBar(pxPerMetre: number, wantPx = 120): ScaleBar | null {
  const metres = scaleBarMetres(pxPerMetre, wantPx);
  return Number.isNaN(metres) ? null : { metres, px: metres * pxPerMetre, label: formatMetres(metres) };
}

/** The bar's length alone (NaN when there is no scale): a number, so a per-frame caller allocates nothing. */
export function scaleBarMetres(pxPerMetre: number, wantPx = 120): number {
  if (!Number.isFinite(pxPerMetre) || pxPerMetre <= 0) return NaN;
  const raw = wantPx / pxPerMetre;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/** Lengths as a researcher reads them: cm below a metre, km from a kilometre, no float noise. */
export function formatMetres(m: number): string {
  const a = Math.abs(m);
  if (a >= 1000) return `${+(m / 1000).toPrecision(3)} km`;
  if (a >= 1) return `${+m.toPrecision(3)} m`;
  if (a >= 0.01) return `${+(m * 100).toPrecision(3)} cm`;
  return `${+(m * 1000).toPrecision(3)} mm`;
}

/** Pixels per metre at distance `d` from a perspective camera with vertical field of view `fovDeg`. */
export function pixelsPerMetre(viewportHeightPx: number, fovDeg: number, d: number): number {
  return viewportHeightPx / (2 * d * Math.tan((fovDeg * Math.PI) / 360));
}
