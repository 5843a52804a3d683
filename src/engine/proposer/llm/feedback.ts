/**
 * The controller's feedback as the generative proposer reads it: for the requested family, the solver's
 * confidence statistics per difficulty bin over all scenes and on this scene (from the controller decision of the
 * previous round), and the questions of that family it was asked on this scene then, with how it fared.
 */
import type { Family } from '../../../shared/proposer.js';
import type { DecisionStats } from '../controller/types.js';

export interface AnsweredExample {
  sceneId: string;
  family: string;
  question: string;
  confidence: number;
  bucket: string;
}

const pct = (x: number): string => `${Math.round(100 * x)}%`;

function statLine(s: DecisionStats): string {
  if (s.n === 0) return 'no questions answered';
  const mean = s.meanConfidence === null ? '—' : s.meanConfidence.toFixed(2);
  const acc = s.accuracy === null ? '' : `, ${pct(s.accuracy)} answered right`;
  return `${s.n} answered, mean confidence ${mean}: ${pct(s.shares.easy)} easy / ${pct(s.shares.frontier)} frontier / ${pct(s.shares.hard)} hard${acc}`;
}

/** Examples per scene and family are capped: the prompt shows what the solver found easy or hard, not everything. */
export const EXAMPLES_PER_FAMILY = 4;

/** A feedback function over one decision's statistics and the previous round's answered questions. */
export function feedbackFrom(round: number, rows: readonly DecisionStats[], examples: readonly AnsweredExample[]): (sceneId: string, family: Family) => string {
  const bySceneFamily = new Map<string, AnsweredExample[]>();
  for (const e of examples) {
    const key = `${e.sceneId}\u0000${e.family}`;
    const list = bySceneFamily.get(key) ?? [];
    if (list.length < EXAMPLES_PER_FAMILY) list.push(e);
    bySceneFamily.set(key, list);
  }
  return (sceneId, family) => {
    const familyRows = rows.filter((r) => r.family === family);
    const all = familyRows.find((r) => r.level === 'family');
    const bins = familyRows.filter((r) => r.level === 'familyBin').sort((a, b) => (a.bin ?? 0) - (b.bin ?? 0));
    const here = familyRows.filter((r) => r.level === 'cell' && r.sceneId === sceneId).sort((a, b) => (a.bin ?? 0) - (b.bin ?? 0));
    const asked = bySceneFamily.get(`${sceneId}\u0000${family}`) ?? [];
    if (!all && asked.length === 0) return '';
    return [
      `Feedback from round ${round} (the solver's confidence in the ground truth; easy above 0.9, hard below 0.1, frontier between; the loop learns most from frontier questions):`,
      ...(all ? [`- ${family}, all scenes: ${statLine(all)}`] : []),
      ...bins.map((b) => `- bin ${b.bin}, all scenes: ${statLine(b)}`),
      ...here.map((c) => `- bin ${c.bin}, this scene: ${statLine(c)}`),
      ...(asked.length > 0 ? ['Questions of this family asked about this scene then:', ...asked.map((e) => `- "${e.question}" → confidence ${e.confidence.toFixed(2)} (${e.bucket})`)] : []),
    ].join('\n');
  };
}
