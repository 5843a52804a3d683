/** Highlight colours shared by the 3D view and the frame overlay. */
export const HIGHLIGHT_COLOR = '#ff9f1c';
export const SELECTED_COLOR = '#4cc9f0';
/** A question's roles in the scene (question context): what it measures from or stands by, and its candidates. */
export const REFERENCE_COLOR = '#c77dff';
export const CANDIDATE_COLOR = HIGHLIGHT_COLOR;
/** The question's measured distance (closest points, camera to box). */
export const QUESTION_MEASURE_COLOR = '#f8f9fa';
