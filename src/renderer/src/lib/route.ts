/**
 * Hash routing: `#/runs`, `#/runs/<id>`, `#/scene/<id>?objects=1,2&frame=3`, `#/qa`, `#/qa/<qaId>`, `#/heatmaps`,
 * `#/curves`, `#/training`, `#/compare`, `#/experiment`, `#/bench/viewer?sizes=1000000&frames=60&auto=1`. Pure: parsing and formatting only; the shell
 * listens to `hashchange` and writes `location.hash`.
 */
export type Route =
  | { view: 'runs'; runId?: string }
  | { view: 'scene'; sceneId?: string; objects?: number[]; frame?: number }
  | { view: 'qa'; qaId?: number }
  | { view: 'heatmaps' }
  | { view: 'curves' }
  | { view: 'training' }
  | { view: 'compare' }
  | { view: 'experiment' }
  | { view: 'bench'; params: Record<string, string> };

export type ViewName = Route['view'];

export const NAV_ITEMS: readonly { view: ViewName; label: string; hash: string }[] = [
  { view: 'runs', label: 'Runs', hash: '#/runs' },
  { view: 'scene', label: 'Scene', hash: '#/scene' },
  { view: 'qa', label: 'QA explorer', hash: '#/qa' },
  { view: 'heatmaps', label: 'Heatmaps', hash: '#/heatmaps' },
  { view: 'curves', label: 'Curves', hash: '#/curves' },
  { view: 'training', label: 'Training', hash: '#/training' },
  { view: 'compare', label: 'Compare', hash: '#/compare' },
  { view: 'experiment', label: 'Experiment', hash: '#/experiment' },
  { view: 'bench', label: 'Viewer bench', hash: '#/bench/viewer' },
];

function parseParams(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    out[key] = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseIntList(s: string | undefined): number[] | undefined {
  if (s === undefined || s === '') return undefined;
  const list = s
    .split(',')
    .map((x) => Number(x))
    .filter((x) => Number.isInteger(x));
  return list.length > 0 ? list : undefined;
}

function nonNegInt(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function parseHash(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = parseParams(q < 0 ? '' : raw.slice(q + 1));
  const parts = path.split('/').filter((p) => p !== '');
  const [head, second] = parts;
  switch (head) {
    case 'scene': {
      const route: Route = { view: 'scene' };
      if (second !== undefined) route.sceneId = safeDecode(parts.slice(1).join('/'));
      const objects = parseIntList(params.objects);
      if (objects) route.objects = objects;
      const frame = nonNegInt(params.frame);
      if (frame !== undefined) route.frame = frame;
      return route;
    }
    case 'qa': {
      const id = nonNegInt(second);
      return id === undefined ? { view: 'qa' } : { view: 'qa', qaId: id };
    }
    case 'heatmaps':
      return { view: 'heatmaps' };
    case 'curves':
      return { view: 'curves' };
    case 'training':
    case 'compare':
    case 'experiment':
      return { view: head };
    case 'bench':
      return { view: 'bench', params };
    case 'runs':
    default:
      return second !== undefined && head === 'runs' ? { view: 'runs', runId: safeDecode(second) } : { view: 'runs' };
  }
}

function query(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%2C/g, ',')}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'runs':
      return route.runId ? `#/runs/${encodeURIComponent(route.runId)}` : '#/runs';
    case 'scene': {
      const base = route.sceneId ? `#/scene/${encodeURIComponent(route.sceneId)}` : '#/scene';
      return base + query({ objects: route.objects?.join(','), frame: route.frame?.toString() });
    }
    case 'qa':
      return route.qaId !== undefined ? `#/qa/${route.qaId}` : '#/qa';
    case 'heatmaps':
      return '#/heatmaps';
    case 'curves':
      return '#/curves';
    case 'training':
    case 'compare':
    case 'experiment':
      return `#/${route.view}`;
    case 'bench':
      return '#/bench/viewer' + query(route.params);
  }
}
