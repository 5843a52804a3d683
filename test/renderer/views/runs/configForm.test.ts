import { describe, expect, it } from 'vitest';
import { configToForm, FIELDS, fieldOptions, firstErrorKey, splitScenes, validateField, validateForm, visibleFields, type FormValues } from '../../../../src/renderer/src/views/runs/configForm.js';
import { DEFAULT_CONFIG } from '../../fakeApi.js';

const form = (patch: Partial<FormValues> = {}): FormValues => ({ ...configToForm(DEFAULT_CONFIG), ...patch });

describe('start-run form', () => {
  it('round-trips the default config', () => {
    const r = validateForm(form(), DEFAULT_CONFIG);
    expect(r).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it('keeps settings the form does not show from the host defaults', () => {
    const base = { ...DEFAULT_CONFIG, futureKnob: 3 } as typeof DEFAULT_CONFIG;
    const r = validateForm(form({ rounds: '9' }), base);
    expect(r.ok && (r.config as unknown as Record<string, unknown>).futureKnob).toBe(3);
    expect(r.ok && r.config.rounds).toBe(9);
  });

  it('question families: empty is every family; a list limits the run (FAMILIES order); unknown or repeated names are shown at the field', () => {
    expect(form().families).toBe('');
    const r = validateForm(form({ families: 'route_planning, object_counting' }), DEFAULT_CONFIG);
    expect(r.ok && r.config.families).toEqual(['object_counting', 'route_planning']);
    expect(configToForm({ ...DEFAULT_CONFIG, families: ['object_counting', 'route_planning'] }).families).toBe('object_counting, route_planning');
    const unknown = validateForm(form({ families: 'object_counting, walking' }));
    expect(!unknown.ok && unknown.errors.families).toMatch(/^"walking" is not a question family; expected some of object_counting, /);
    const twice = validateForm(form({ families: 'object_counting,object_counting' }));
    expect(!twice.ok && twice.errors.families).toBe('"object_counting" is listed twice');
  });

  it('requires integers ≥ 1 where counts are asked for', () => {
    for (const key of ['rounds', 'steps', 'batch', 'candidates', 'frames', 'benchmarkPerFamily', 'staticSamples'] as const) {
      for (const bad of ['0', '-2', '1.5', 'abc', '']) {
        const r = validateForm(form({ [key]: bad }));
        expect(r.ok, `${key}=${bad}`).toBe(false);
        expect(!r.ok && r.errors[key]).toBeTruthy();
      }
      expect(validateForm(form({ [key]: ' 3 ', warmupSteps: '0' })).ok).toBe(true);
    }
  });

  it('your model: an endpoint URL turns the endpoint on (name required, key by variable name), a trainer needs it and {dataset}', () => {
    const on = validateForm(form({ 'endpoint.baseUrl': 'http://127.0.0.1:8000/v1', 'endpoint.model': 'Qwen/Qwen2.5-VL-7B-Instruct', 'endpoint.frames': '8', trainerCommand: 'train {dataset}' }), DEFAULT_CONFIG);
    expect(on.ok && on.config.endpoint).toEqual({ baseUrl: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen2.5-VL-7B-Instruct', apiKeyEnv: 'OPENAI_API_KEY', frames: 8, concurrency: 4, timeoutMs: 120_000, maxRetries: 4, topLogprobs: 20 });
    expect(on.ok && on.config.trainerCommand).toBe('train {dataset}');
    expect(on.ok && validateForm(configToForm(on.config), DEFAULT_CONFIG)).toEqual(on);
    const bad: [Partial<FormValues>, string, RegExp][] = [
      [{ 'endpoint.baseUrl': 'ftp://x/v1' }, 'endpoint.baseUrl', /http\(s\) URL/],
      [{ 'endpoint.baseUrl': 'http://u:sk-1@h/v1', 'endpoint.model': 'm' }, 'endpoint.baseUrl', /no credentials in the URL/],
      [{ 'endpoint.baseUrl': 'http://h/v1' }, 'endpoint.model', /required with an endpoint/],
      [{ 'endpoint.baseUrl': 'http://h/v1', 'endpoint.model': 'm', 'endpoint.apiKeyEnv': 'sk-123' }, 'endpoint.apiKeyEnv', /name of an environment variable/],
      [{ trainerCommand: 'train {dataset}' }, 'trainerCommand', /set the endpoint URL too/],
      [{ 'endpoint.baseUrl': 'http://h/v1', 'endpoint.model': 'm', trainerCommand: 'train' }, 'trainerCommand', /expected \{dataset\}/],
    ];
    for (const [patch, key, message] of bad) {
      const r = validateForm(form(patch), DEFAULT_CONFIG);
      expect(!r.ok && r.errors[key as keyof typeof r.errors], key).toMatch(message);
    }
  });

  it('LLM proposer: an endpoint URL turns it on with its share; a model name is required', () => {
    const on = validateForm(form({ 'proposer.baseUrl': 'http://127.0.0.1:11434/v1', 'proposer.model': 'qwen2.5:7b', 'proposer.share': '0.25' }), DEFAULT_CONFIG);
    expect(on.ok && on.config.proposer).toMatchObject({ share: 0.25, llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', temperature: 0 } });
    expect(on.ok && validateForm(configToForm(on.config), DEFAULT_CONFIG)).toEqual(on);
    const missing = validateForm(form({ 'proposer.baseUrl': 'http://h/v1' }), DEFAULT_CONFIG);
    expect(!missing.ok && missing.errors['proposer.model']).toBe('required with an LLM proposer');
    const share = validateForm(form({ 'proposer.baseUrl': 'http://h/v1', 'proposer.model': 'm', 'proposer.share': '1.5' }), DEFAULT_CONFIG);
    expect(!share.ok && share.errors['proposer.share']).toMatch(/strictly between 0 and 1/);
  });

  it('allows 0 where 0 means "all" or "default"', () => {
    expect(validateForm(form({ acceptPerRound: '0', threads: '0', warmupSteps: '0' })).ok).toBe(true);
    const r = validateForm(form({ threads: '-1' }));
    expect(!r.ok && r.errors.threads).toMatch(/≥ 0/);
  });

  it('requires fractions strictly inside (0, 1)', () => {
    for (const bad of ['0', '1', '1.5', '-0.1', 'half']) {
      const r = validateForm(form({ heldoutFraction: bad }));
      expect(!r.ok && r.errors.heldoutFraction, bad).toBeTruthy();
    }
    expect(validateForm(form({ heldoutFraction: '0.3' })).ok).toBe(true);
  });

  it('checks thresholds are ordered and the learning rate positive', () => {
    const r = validateForm(form({ 'thresholds.easy': '0.2', 'thresholds.hard': '0.5' }));
    expect(!r.ok && r.errors['thresholds.hard']).toMatch(/below the easy/);
    expect(!validateForm(form({ lr: '0' })).ok).toBe(true);
    expect(!validateForm(form({ lr: '2' })).ok).toBe(true);
    expect(validateForm(form({ lr: '3e-4' })).ok).toBe(true);
  });

  it('checks seeds, scene sources, names and warm-up', () => {
    expect(validateForm(form({ seed: String(2 ** 32) })).ok).toBe(false);
    expect(validateForm(form({ dataSeed: '-1' })).ok).toBe(false);
    expect(validateForm(form({ scenes: '' })).ok).toBe(false);
    const bad = validateForm(form({ scenes: 'synthetic:8, nonsense' }));
    expect(!bad.ok && bad.errors.scenes).toMatch(/"nonsense"/);
    const ok = validateForm(form({ scenes: 'synthetic:8\nvsibench:/data/meta.json, ply:/x.ply' }));
    expect(ok.ok && ok.config.scenes).toEqual(['synthetic:8', 'vsibench:/data/meta.json', 'ply:/x.ply']);
    expect(validateForm(form({ name: '   ' })).ok).toBe(false);
    const w = validateForm(form({ warmupSteps: '100000' }));
    expect(!w.ok && w.errors.warmupSteps).toMatch(/more than all/);
  });

  it('rejects unknown modes but keeps a host strategy this build does not list', () => {
    const mode = FIELDS.find((f) => f.key === 'mode')!;
    expect(validateField(mode, 'sideways')).toMatch(/one of/);
    expect(validateForm(form({ strategy: 'novel-strategy' })).ok).toBe(true);
    const strategy = FIELDS.find((f) => f.key === 'strategy')!;
    expect(fieldOptions(strategy, 'novel-strategy')).toContain('novel-strategy');
  });

  it('shows mode-specific fields only in their mode', () => {
    expect(visibleFields('closed-loop').map((f) => f.key)).toContain('strategy');
    expect(visibleFields('closed-loop').map((f) => f.key)).not.toContain('staticSamples');
    expect(visibleFields('static').map((f) => f.key)).toContain('staticSamples');
    expect(visibleFields('no-feedback').map((f) => f.key)).not.toContain('strategy');
  });

  it('splits scene lists on commas and newlines', () => {
    expect(splitScenes(' a:1 ,\n\nb:2,')).toEqual(['a:1', 'b:2']);
  });
});

describe('start-run form: issue 14, item 10', () => {
  const scenes = FIELDS.find((f) => f.key === 'scenes')!;

  it('checks a scene source at the field with the importers’ own list of kinds, not only through the host’s banner', () => {
    expect(validateField(scenes, 'synthetic:8\nply:/data/room.ply')).toBeUndefined();
    expect(validateField(scenes, 'synthetic:8, scanet:scene0000_00')).toBe(
      'unknown source "scanet:scene0000_00": expected one of synthetic:…, vsibench:…, scannet:…, scannetpp:…, arkitscenes:…, ply:…',
    );
    // Kinds are case-sensitive, as the importers read them.
    expect(validateField(scenes, 'Synthetic:8')).toMatch(/^unknown source "Synthetic:8"/);
    expect(validateField(scenes, 'room.ply')).toMatch(/is not a source spec/);
  });

  it('names the first field in error in the form’s order: where a failed submit takes the user', () => {
    const keys = FIELDS.map((f) => f.key);
    const later = keys[keys.length - 1]!;
    const earlier = keys[1]!;
    expect(firstErrorKey({ [later]: 'x', [earlier]: 'y' })).toBe(earlier);
    expect(firstErrorKey({})).toBeUndefined();
    const r = validateForm({ ...configToForm(DEFAULT_CONFIG), scenes: 'nowhere:1', steps: '-3' } as FormValues);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(firstErrorKey(r.errors)).toBe(keys.indexOf('scenes') < keys.indexOf('steps') ? 'scenes' : 'steps');
  });
});
