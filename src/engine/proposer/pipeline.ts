/**
 * One proposal round: draft → de-duplicate → scene filters → sandboxed execution → answer checks → blind
 * shortcut filter. Every QA keeps every verdict; `rejectedBy` is the first failing one in FILTER_ORDER.
 */
import type { Family } from '../../shared/proposer.js';
import { FAMILIES } from '../../shared/proposer.js';
import { familySpec } from './families/index.js';
import { letterOf } from './families/common.js';
import type { ShortcutOptions } from './filters/shortcut.js';
import { DEFAULT_SHORTCUT, shortcutVerdicts } from './filters/shortcut.js';
import { marginVerdict, noiseVerdict, uniquenessVerdict, visibilityVerdict } from './filters/verdicts.js';
import type { PreparedScene } from './prepare.js';
import type { Proposer, ProposalRequest, Shortfall } from './proposer.js';
import { ProgrammaticProposer } from './proposer.js';
import type { ProgramRunner, RunOutcome } from './runner.js';
import type { Proposal, QA, Verdict } from './types.js';

export const FILTER_ORDER = ['duplicate', 'program', 'ambiguity', 'noise', 'visibility', 'margin', 'shortcut'] as const;
export type FilterName = (typeof FILTER_ORDER)[number];

export interface RoundInput {
  scenes: PreparedScene[];
  requests: ProposalRequest[];
  seed: number;
  runner: ProgramRunner;
  proposer?: Proposer;
  /** false disables the blind-baseline filter (e.g. for a benchmark set scored as is). */
  shortcut?: ShortcutOptions | false;
}

export interface FamilyFilterStats {
  family: Family;
  generated: number;
  accepted: number;
  /** Rejections attributed to the first failing filter. */
  removedBy: Record<FilterName, number>;
  /** Every failing verdict, also those after the first. */
  flaggedBy: Record<FilterName, number>;
}

export interface RoundResult {
  qa: QA[];
  shortfalls: Shortfall[];
  stats: FamilyFilterStats[];
  timing: { draftMs: number; executeMs: number; filterMs: number };
}

function answerVerdict(p: Proposal, outcome: RunOutcome): { verdict: Verdict; answer?: string | number } {
  if (!outcome.ok) return { verdict: { filter: 'program', passed: false, reason: `${outcome.kind}: ${outcome.message}` } };
  const v = outcome.value;
  if (p.answerType === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return { verdict: { filter: 'program', passed: false, reason: `returned ${JSON.stringify(v)} where a finite number was expected` } };
    }
    return { verdict: { filter: 'program', passed: true }, answer: v };
  }
  const letter = typeof v === 'string' && p.options ? letterOf(p.options, v) : undefined;
  if (!letter) return { verdict: { filter: 'program', passed: false, reason: `returned ${JSON.stringify(v)}, which is not one of the options` } };
  return { verdict: { filter: 'program', passed: true }, answer: letter };
}

function sceneVerdicts(prepared: PreparedScene, p: Proposal): Verdict[] {
  const spec = familySpec(p.family);
  const ambiguity = uniquenessVerdict(prepared.api, p);
  const out = [ambiguity, noiseVerdict(prepared.api, p, prepared.noise), visibilityVerdict(prepared.api, p)];
  if (!ambiguity.passed) out.push({ filter: 'margin', passed: false, reason: 'not measured: the question is ambiguous' });
  else {
    try {
      out.push(marginVerdict(prepared.api, p, spec));
    } catch (e) {
      out.push({ filter: 'margin', passed: false, reason: `margin not measurable: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return out;
}

function emptyCounts(): Record<FilterName, number> {
  return Object.fromEntries(FILTER_ORDER.map((f) => [f, 0])) as Record<FilterName, number>;
}

export function filterStats(qas: QA[]): FamilyFilterStats[] {
  const by = new Map<Family, FamilyFilterStats>();
  for (const qa of qas) {
    let s = by.get(qa.family);
    if (!s) {
      s = { family: qa.family, generated: 0, accepted: 0, removedBy: emptyCounts(), flaggedBy: emptyCounts() };
      by.set(qa.family, s);
    }
    s.generated++;
    if (qa.accepted) s.accepted++;
    if (qa.rejectedBy) s.removedBy[qa.rejectedBy as FilterName]++;
    for (const v of qa.verdicts) if (!v.passed) s.flaggedBy[v.filter as FilterName]++;
  }
  return FAMILIES.filter((f) => by.has(f)).map((f) => by.get(f)!);
}

function finish(qa: QA): QA {
  const failing = FILTER_ORDER.find((f) => qa.verdicts.some((v) => v.filter === f && !v.passed));
  qa.verdicts.sort((a, b) => FILTER_ORDER.indexOf(a.filter as FilterName) - FILTER_ORDER.indexOf(b.filter as FilterName));
  qa.accepted = failing === undefined;
  if (failing) qa.rejectedBy = failing;
  else delete qa.rejectedBy;
  return qa;
}

export async function runProposalRound(input: RoundInput): Promise<RoundResult> {
  const proposer = input.proposer ?? new ProgrammaticProposer();
  const all: QA[] = [];
  const shortfalls: Shortfall[] = [];
  let draftMs = 0;
  let executeMs = 0;
  let filterMs = 0;
  for (const prepared of input.scenes) {
    const sceneId = prepared.scene.id;
    const requests = input.requests.filter((r) => r.sceneId === sceneId);
    if (requests.length === 0) continue;
    const t0 = performance.now();
    const drafted = proposer.propose({ sceneId, api: prepared.api, requests, seed: input.seed });
    shortfalls.push(...drafted.shortfalls);
    const t1 = performance.now();
    const seen = new Set<string>();
    const qas: QA[] = drafted.proposals.map((p) => {
      const key = `${p.question}\u0000${(p.options ?? []).join('\u0000')}`;
      const duplicate = seen.has(key);
      seen.add(key);
      return { ...p, verdicts: duplicate ? [{ filter: 'duplicate', passed: false, reason: 'the same question was already proposed for this scene' }] : [], accepted: false };
    });
    const live = qas.filter((qa) => qa.verdicts.length === 0);
    for (const qa of live) qa.verdicts.push(...sceneVerdicts(prepared, qa));
    const t2 = performance.now();
    const outcomes = await input.runner.runScene(prepared.data, live.map((qa) => (qa.args ? { source: qa.program, args: qa.args } : qa.program)));
    const t3 = performance.now();
    live.forEach((qa, i) => {
      const { verdict, answer } = answerVerdict(qa, outcomes[i]!);
      qa.verdicts.push(verdict);
      if (outcomes[i]!.ok) qa.programValue = (outcomes[i] as { value: unknown }).value;
      if (answer !== undefined) qa.answer = answer;
    });
    all.push(...qas);
    draftMs += t1 - t0;
    filterMs += t2 - t1 + (performance.now() - t3);
    executeMs += t3 - t2;
  }
  const t4 = performance.now();
  if (input.shortcut !== false) {
    // Only questions that survived every other filter define the priors a shortcut could exploit.
    const candidates = all.filter((qa) => qa.answer !== undefined && qa.verdicts.every((v) => v.passed));
    for (const [qa, v] of shortcutVerdicts(candidates, input.shortcut ?? DEFAULT_SHORTCUT)) qa.verdicts.push(v);
  }
  for (const qa of all) finish(qa);
  filterMs += performance.now() - t4;
  return { qa: all, shortfalls, stats: filterStats(all), timing: { draftMs, executeMs, filterMs } };
}
