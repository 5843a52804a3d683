/**
 * One proposal round: draft → de-duplicate → scene filters → sandboxed execution → answer checks → blind
 * shortcut filter. Every QA keeps every verdict; `rejectedBy` is the first failing one in FILTER_ORDER.
 * A generative proposer's drafts take the same path, with two checks only they need: `response` (its answer
 * could be read as a draft at all) and `agreement` (its self-contained program answers what the family's own
 * program answers for the objects the question names).
 */
import type { Family } from '../../shared/proposer.js';
import { FAMILIES } from '../../shared/proposer.js';
import { familySpec } from './families/index.js';
import { letterOf } from './families/common.js';
import type { ShortcutOptions } from './filters/shortcut.js';
import { DEFAULT_SHORTCUT, shortcutVerdicts } from './filters/shortcut.js';
import { marginVerdict, noiseVerdict, uniquenessVerdict, visibilityVerdict } from './filters/verdicts.js';
import { planCalls } from './outcomes.js';
import { sandboxData, type PreparedScene } from './prepare.js';
import type { Proposer, ProposalRequest, Shortfall } from './proposer.js';
import { ProgrammaticProposer } from './proposer.js';
import type { ProgramOutcome, ProgramRunner } from './runner.js';
import type { FilterVerdict, ProgramArgs, Proposal, QA } from './types.js';

export const FILTER_ORDER = ['response', 'duplicate', 'program', 'ambiguity', 'noise', 'visibility', 'margin', 'agreement', 'shortcut'] as const;
export type FilterName = (typeof FILTER_ORDER)[number];

export interface RoundInput {
  scenes: PreparedScene[];
  requests: ProposalRequest[];
  seed: number;
  runner: ProgramRunner;
  proposer?: Proposer;
  /**
   * Further proposers, each with its own requests (a generative proposer's share of the round). Their drafts join
   * each scene's duplicate check and filters and the round-wide shortcut filter with the main proposer's.
   */
  routes?: { proposer: Proposer; requests: ProposalRequest[] }[];
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

/** A returned value as a reason quotes it: a program may return up to the sandbox's 64 KiB of JSON. */
function quoted(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 120)}… (${s.length} characters)` : s;
}

function answerVerdict(p: Proposal, outcome: ProgramOutcome): { verdict: FilterVerdict; answer?: string | number } {
  if (!outcome.ok) return { verdict: { filter: 'program', passed: false, reason: `${outcome.kind}: ${outcome.message}` } };
  const v = outcome.value;
  if (p.answerType === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return { verdict: { filter: 'program', passed: false, reason: `returned ${quoted(v)} where a finite number was expected` } };
    }
    return { verdict: { filter: 'program', passed: true }, answer: v };
  }
  const letter = typeof v === 'string' && p.options ? letterOf(p.options, v) : undefined;
  if (!letter) return { verdict: { filter: 'program', passed: false, reason: `returned ${quoted(v)}, which is not one of the options` } };
  return { verdict: { filter: 'program', passed: true }, answer: letter };
}

/** Relative difference a self-contained program's number may have from the family's: below VSI-Bench's strictest MRA step (5%). */
const AGREEMENT_TOLERANCE = 0.01;

/**
 * Whether a self-contained program's answer is the one the family's own program gives for the objects the
 * question names, and whether the question mentions them: a program that computes something else, or a question
 * about objects other than those named, does not have its ground truth from the scene.
 */
function agreementVerdict(qa: QA, answer: string | number, reference: ProgramOutcome | string): FilterVerdict {
  const lower = qa.question.toLowerCase();
  const unmentioned = qa.named.find((n) => !lower.includes(n.label.toLowerCase()));
  if (unmentioned) return { filter: 'agreement', passed: false, reason: `the question does not mention the ${unmentioned.label} it names` };
  if (typeof reference === 'string') return { filter: 'agreement', passed: false, reason: `no reference answer: ${reference}` };
  const ref = answerVerdict(qa, reference);
  if (ref.answer === undefined) return { filter: 'agreement', passed: false, reason: `no reference answer: ${ref.verdict.reason ?? 'the family program failed'}` };
  const r = ref.answer;
  const agrees = typeof r === 'number' && typeof answer === 'number' ? Math.abs(answer - r) <= AGREEMENT_TOLERANCE * Math.abs(r) + 1e-9 : r === answer;
  if (!agrees) return { filter: 'agreement', passed: false, reason: `the program answers ${quoted(answer)}, the family's definition gives ${quoted(r)} for the objects the question names` };
  return { filter: 'agreement', passed: true, ...(typeof r === 'number' ? { value: r } : {}) };
}

function sceneVerdicts(prepared: PreparedScene, p: Proposal): FilterVerdict[] {
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
    if (qa.verdict === 'accepted') s.accepted++;
    if (qa.rejectedBy) s.removedBy[qa.rejectedBy as FilterName]++;
    for (const v of qa.filterVerdicts) if (!v.passed) s.flaggedBy[v.filter as FilterName]++;
  }
  return FAMILIES.filter((f) => by.has(f)).map((f) => by.get(f)!);
}

const rank = (v: FilterVerdict): number => FILTER_ORDER.indexOf(v.filter as FilterName);

function finish(qa: QA): QA {
  const failing = FILTER_ORDER.find((f) => qa.filterVerdicts.some((v) => v.filter === f && !v.passed));
  // In filter order, stable, in place: an insertion sort, as a question's few verdicts come nearly in order (the
  // program's after the scene checks that ran beside it) and Array.prototype.sort allocates a work array each call.
  const verdicts = qa.filterVerdicts;
  for (let i = 1; i < verdicts.length; i++) {
    const v = verdicts[i]!;
    const r = rank(v);
    let j = i;
    for (; j > 0 && rank(verdicts[j - 1]!) > r; j--) verdicts[j] = verdicts[j - 1]!;
    verdicts[j] = v;
  }
  qa.verdict = failing === undefined ? 'accepted' : 'rejected';
  if (failing) qa.rejectedBy = failing;
  else delete qa.rejectedBy;
  return qa;
}

type Drafted = Awaited<ReturnType<Proposer['propose']>>;

export async function runProposalRound(input: RoundInput): Promise<RoundResult> {
  const proposer = input.proposer ?? new ProgrammaticProposer();
  const routes = [{ proposer, requests: input.requests }, ...(input.routes ?? [])];
  const all: QA[] = [];
  const shortfalls: Shortfall[] = [];
  let draftMs = 0;
  let executeMs = 0;
  let filterMs = 0;
  const ask = (si: number, route: (typeof routes)[number], now: boolean): Promise<Drafted> | undefined => {
    const prepared = input.scenes[si]!;
    const sceneId = prepared.scene.id;
    const requests = route.requests.filter((r) => r.sceneId === sceneId);
    if (requests.length === 0) return undefined;
    const propose = (): Drafted | Promise<Drafted> => route.proposer.propose({ sceneId, api: prepared.api, requests, seed: input.seed });
    let p: Promise<Drafted>;
    if (!now) p = Promise.resolve().then(propose);
    else {
      try {
        p = Promise.resolve(propose());
      } catch (e) {
        p = Promise.reject(e as Error);
      }
    }
    // Awaited below in order; a failure before then must not surface as an unhandled rejection.
    p.catch(() => undefined);
    return p;
  };
  // A proposer that waits on a model is asked for every scene at once, so its requests are in flight together.
  // One that computes (`computes`) drafts each scene right away, one scene ahead of the checks: the next scene's
  // drafting runs while the sandbox runs this scene's programs. The scenes are filtered one after another, in order.
  const drafts = input.scenes.map((_, si) => routes.map((route) => (route.proposer.computes ? undefined : ask(si, route, false))));
  let askedAhead = -1;
  const draftAhead = (si: number): void => {
    if (si <= askedAhead || si >= input.scenes.length) return;
    askedAhead = si;
    const t = performance.now();
    routes.forEach((route, ri) => {
      if (route.proposer.computes) drafts[si]![ri] = ask(si, route, true);
    });
    draftMs += performance.now() - t;
  };
  for (const [si, prepared] of input.scenes.entries()) {
    draftAhead(si);
    const pending = drafts[si]!.filter((d): d is Promise<Drafted> => d !== undefined);
    if (pending.length === 0) continue;
    const t0 = performance.now();
    const proposals: Proposal[] = [];
    for (const d of pending) {
      const drafted = await d;
      proposals.push(...drafted.proposals);
      shortfalls.push(...drafted.shortfalls);
    }
    const t1 = performance.now();
    const seen = new Set<string>();
    // Copies, not the proposals extended in place: adding the two fields to the proposer's objects made a bench
    // round about 30% slower (QA per CPU-second 9.2–12.9k against 12.2–19.5k, lower in eight of eight interleaved pairs,
    // 2026-12-05), presumably because objects grown after creation hold the added fields out of line for every reader.
    // Copied by Object.assign into a literal, not `{ ...p, … }`: see ProgrammaticProposer.propose.
    const qas: QA[] = proposals.map((p) => {
      if (p.malformed !== undefined) return Object.assign({}, p, { filterVerdicts: [{ filter: 'response', passed: false, reason: p.malformed }], verdict: 'rejected' as const });
      const key = `${p.question}\u0000${(p.options ?? []).join('\u0000')}`;
      const duplicate = seen.has(key);
      seen.add(key);
      return Object.assign({}, p, { filterVerdicts: duplicate ? [{ filter: 'duplicate', passed: false, reason: 'the same question was already proposed for this scene' }] : [], verdict: 'rejected' as const });
    });
    const live = qas.filter((qa) => qa.filterVerdicts.length === 0);
    // Self-contained programs (no args: a generative proposer's) are checked against the family's own program.
    const references = live.map((qa) => {
      if (qa.args) return undefined;
      try {
        const r = familySpec(qa.family).reference(qa);
        return { source: r.program, args: r.args };
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    });
    const referenceCalls = references.filter((r): r is { source: string; args: ProgramArgs } => typeof r === 'object');
    const calls = planCalls(prepared.outcomes, [...live.map((qa) => (qa.args ? { source: qa.program, args: qa.args } : qa.program)), ...referenceCalls]);
    const running = calls.toRun.length === 0 ? Promise.resolve([]) : input.runner.runScene(sandboxData(prepared), calls.toRun);
    // Awaited below; a failure while the checks run must not surface as an unhandled rejection.
    running.catch(() => undefined);
    // The scene's own checks run while the sandbox's thread runs the programs (sandboxRunner.ts takes the
    // outcomes only when they are awaited); neither reads the other's results.
    for (const qa of live) qa.filterVerdicts.push(...sceneVerdicts(prepared, qa));
    const tv = performance.now();
    draftAhead(si + 1);
    const tn = performance.now();
    const outcomes = calls.outcomes(await running);
    const t3 = performance.now();
    let nextReference = live.length;
    live.forEach((qa, i) => {
      const { verdict, answer } = answerVerdict(qa, outcomes[i]!);
      qa.filterVerdicts.push(verdict);
      if (outcomes[i]!.ok) qa.programResult = (outcomes[i] as { value: unknown }).value;
      if (answer !== undefined) qa.answer = answer;
      const reference = references[i];
      if (reference === undefined) return;
      const refOutcome = typeof reference === 'string' ? reference : outcomes[nextReference++]!;
      if (answer !== undefined) qa.filterVerdicts.push(agreementVerdict(qa, answer, refOutcome));
    });
    all.push(...qas);
    draftMs += t1 - t0;
    // Execution counts only the wait for outcomes beyond the checks and drafting that ran beside it.
    filterMs += tv - t1 + (performance.now() - t3);
    executeMs += t3 - tn;
  }
  const t4 = performance.now();
  if (input.shortcut !== false) {
    // Only questions that survived every other filter define the priors a shortcut could exploit.
    const candidates = all.filter((qa) => qa.answer !== undefined && qa.filterVerdicts.every((v) => v.passed));
    for (const [qa, v] of shortcutVerdicts(candidates, input.shortcut ?? DEFAULT_SHORTCUT)) qa.filterVerdicts.push(v);
  }
  for (const qa of all) finish(qa);
  filterMs += performance.now() - t4;
  return { qa: all, shortfalls, stats: filterStats(all), timing: { draftMs, executeMs, filterMs } };
}
