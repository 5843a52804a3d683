/** Strategies by name, so the loop, the CLI and the UI pick one from a config string. */
import { InputError } from '../../../shared/errors.js';
import { banditStrategy } from './bandit.js';
import { referenceStrategy } from './reference.js';
import { scoreRuleStrategy } from './scoreRules.js';
import { targetBandStrategy } from './targetBand.js';
import { STRATEGY_NAMES, type ControllerStrategy, type StrategyName, type StrategyOptions } from './types.js';
import { uniformStrategy } from './uniform.js';

const factories: Record<StrategyName, (options?: Partial<StrategyOptions>) => ControllerStrategy> = {
  reference: referenceStrategy,
  uniform: () => uniformStrategy(),
  'target-band': targetBandStrategy,
  bandit: banditStrategy,
  learnability: (o) => scoreRuleStrategy('learnability', o),
  'reducible-loss': (o) => scoreRuleStrategy('reducible-loss', o),
};

export const isStrategyName = (name: string): name is StrategyName => (STRATEGY_NAMES as readonly string[]).includes(name);

/** Options a strategy does not use are ignored; unknown names and bad values are InputErrors. */
export function createStrategy(name: string, options?: Partial<StrategyOptions>): ControllerStrategy {
  if (!isStrategyName(name)) {
    throw new InputError({ field: 'controller.strategy', message: `expected one of ${STRATEGY_NAMES.join(', ')}, found "${name}"` });
  }
  return factories[name](options);
}
