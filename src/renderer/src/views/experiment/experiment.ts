/** The experiment view's logic: arms as chart series over samples seen or rounds, and the table's seed columns. */
import type { ExperimentArmView, ExperimentView } from '../../../../shared/api.js';
import type { IntervalSeries } from '../../lib/intervalChart.js';
import type { ExperimentAxis } from '../../state/experimentStore.js';
import { statPoint } from '../compare/compare.js';

export function armSeries(arms: readonly ExperimentArmView[], axis: ExperimentAxis, colorOf: (arm: string) => string): IntervalSeries[] {
  return arms.filter((a) => a.curve.length > 0).map((a) => ({ id: a.arm, name: a.arm, color: colorOf(a.arm), points: a.curve.map((s) => statPoint(s, axis === 'round' ? 'round' : 'samples')) }));
}

/** "quick preset · base checkpoint 7 · 3 arms × 5 seeds": how the picker names an experiment. */
export function experimentTitle(e: ExperimentView): string {
  return `${e.preset} preset · base checkpoint ${e.initCheckpoint} · ${e.arms.length} arm${e.arms.length === 1 ? '' : 's'} × ${e.seeds.length} seed${e.seeds.length === 1 ? '' : 's'}`;
}
