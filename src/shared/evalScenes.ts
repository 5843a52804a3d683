/**
 * Words for VSI-Bench's evaluation scenes that the engine (CLI, exports) and the workbench both print, so the
 * warning and the refusal read the same everywhere. Which scenes they are is the engine's business
 * (src/engine/sources/evalScenes.ts, from resources/vsibench/eval_scenes.json).
 */
export const EVAL_BENCHMARK = 'VSI-Bench (val: ScanNet, ARKitScenes, ScanNet++)';

/** Scene ids for a message: all of them up to `max`, then how many more. */
export function sceneListText(ids: readonly string[], max = 20): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** The one warning the CLI and the workbench give for a run that trains on evaluation scenes. */
export function evalTrainingWarning(ids: readonly string[]): string {
  return (
    `this run trains on ${ids.length} VSI-Bench evaluation scene${ids.length === 1 ? '' : 's'} (${sceneListText(ids)}): ` +
    'a model trained on its data and then scored on VSI-Bench has seen the test rooms'
  );
}
