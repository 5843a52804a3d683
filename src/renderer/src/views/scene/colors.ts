/** Highlight colours shared by the 3D view and the frame overlay. */
export const HIGHLIGHT_COLOR = '#ff9f1c';
export const SELECTED_COLOR = '#4cc9f0';
