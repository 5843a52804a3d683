/** The feedback controller: sets next round's generation mix from this round's solver confidences. */
export { createStrategy, isStrategyName } from './registry.js';
export { referenceStrategy, REFERENCE_OPTIONS } from './reference.js';
export { uniformStrategy } from './uniform.js';
export { targetBandStrategy, bandCloseness, TARGET_BAND_OPTIONS } from './targetBand.js';
export { banditStrategy, BANDIT_OPTIONS } from './bandit.js';
export { scoreRuleStrategy, SCORE_RULE_OPTIONS, type ScoreRule } from './scoreRules.js';
export { applyExplorationFloor, liftToFloor, type FloorResult } from './floor.js';
export { aggregate } from './stats.js';
export { allocateMix, sampleFromMix, type Allocation } from './sample.js';
export { DEFAULT_CONTROLLER_CONFIG, DEFAULT_STRATEGY_OPTIONS } from './config.js';
export { cellKey } from './cells.js';
export {
  STRATEGY_NAMES,
  type BucketTally,
  type CellStats,
  type ControllerConfig,
  type ControllerDecision,
  type ControllerInput,
  type ControllerStrategy,
  type DecisionStats,
  type StrategyName,
  type StrategyOptions,
} from './types.js';
