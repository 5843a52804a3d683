/** What the scene viewer colours points by: the view draws it, the scene store keeps the choice. */
export type ColorMode = 'rgb' | 'height' | 'object' | 'confidence';

export const COLOR_MODES: readonly { mode: ColorMode; label: string }[] = [
  { mode: 'rgb', label: 'RGB' },
  { mode: 'height', label: 'Height' },
  { mode: 'object', label: 'Object' },
  { mode: 'confidence', label: 'Solver confidence' },
];
