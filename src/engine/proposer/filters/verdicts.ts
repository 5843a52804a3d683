/**
 * The per-QA filters that need only the scene: uniqueness, answer margins, visibility and metadata noise.
 * Each returns a FilterVerdict, passed or not, with the reason and the measured value, so every QA records why.
 */
import type { SceneApi } from '../program/types.js';
import type { Draft, FamilySpec, FilterVerdict } from '../types.js';
import type { NoiseReport } from './noise.js';

export function uniquenessVerdict(api: SceneApi, draft: Draft): FilterVerdict {
  for (const n of draft.named) {
    const count = api.count(n.label);
    if (count === 0) return { filter: 'ambiguity', passed: false, reason: `names a ${n.label}, which the scene does not have` };
    if (n.role === 'unique' && count !== 1) {
      return { filter: 'ambiguity', passed: false, reason: `"the ${n.label}" is ambiguous: the scene has ${count}` };
    }
  }
  return { filter: 'ambiguity', passed: true };
}

export function marginVerdict(api: SceneApi, draft: Draft, spec: FamilySpec): FilterVerdict {
  const margins = spec.margins(api, draft);
  for (const [name, min] of Object.entries(spec.minMargins)) {
    const v = margins[name];
    if (v === undefined || !(v >= min)) {
      return { filter: 'margin', passed: false, value: v, reason: `${name} ${v === undefined ? 'unmeasured' : round(v)} below the minimum ${min}` };
    }
  }
  const first = Object.keys(spec.minMargins)[0];
  return { filter: 'margin', passed: true, ...(first !== undefined ? { value: margins[first] } : {}) };
}

export function visibilityVerdict(api: SceneApi, draft: Draft): FilterVerdict {
  if (api.frameCount() === 0) return { filter: 'visibility', passed: true, reason: 'the scene has no trajectory; visibility not checked' };
  for (const n of draft.named) {
    const list = api.byLabel(n.label);
    const seen = list.filter((o) => api.firstVisibleFrame(o) !== null);
    if ((n.role === 'every' && seen.length < list.length) || seen.length === 0) {
      const missing = list.length - seen.length;
      return { filter: 'visibility', passed: false, reason: `${missing} of ${list.length} ${n.label}(s) never visible along the trajectory` };
    }
  }
  if (draft.frame !== undefined) {
    const target = api.byLabel(draft.named[0]!.label)[0]!;
    if (!api.visibleFrames(target).includes(draft.frame)) {
      return { filter: 'visibility', passed: false, reason: `the ${target.label} is not visible in frame ${draft.frame + 1}` };
    }
  }
  return { filter: 'visibility', passed: true };
}

export function noiseVerdict(api: SceneApi, draft: Draft, noise: NoiseReport): FilterVerdict {
  for (const n of draft.named) {
    if (n.role !== 'unique') {
      const why = noise.labels.get(n.label);
      if (why) return { filter: 'noise', passed: false, reason: why };
    }
    for (const o of api.byLabel(n.label)) {
      const why = noise.objects.get(o.id);
      if (why && (n.role !== 'any' || api.byLabel(n.label).length === 1)) return { filter: 'noise', passed: false, reason: `${n.label} #${o.id}: ${why}` };
    }
  }
  return { filter: 'noise', passed: true };
}

const round = (v: number): string => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));
