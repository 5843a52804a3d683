/**
 * What the generative proposer asks: the scene API's documentation (the text programs are written against), the
 * scene's objects, the family and difficulty bin wanted, how the solver fared on such questions last round, and
 * the questions already drafted for the same request. Everything in it comes from the store or the scene, so a
 * resumed run builds the same prompt byte for byte and finds its cached answer.
 */
import type { Family } from '../../../shared/proposer.js';
import { FAMILY_SPECS } from '../families/index.js';
import { SCENE_API_DOC } from '../program/apiDoc.js';
import type { SceneApi } from '../program/types.js';

/** How each family's question names its objects: the order the filters and the family's own program read them in. */
const NAMING: Record<Family, string> = {
  object_counting: 'objects: [{label: <category>, role: "every"}]: one category, every instance counted. answerType "number", no options.',
  object_abs_distance: 'objects: the two objects, role "unique" each. answerType "number" (metres, 2 decimals), no options.',
  object_size_estimation: 'objects: the one object, role "unique". answerType "number" (centimetres, whole), no options.',
  room_size_estimation: 'objects: []. answerType "number" (m², 1 decimal), no options. At most one such question per scene.',
  object_rel_distance: 'objects: the reference object first, then the 2–5 candidates, all role "unique". answerType "choice"; options: the candidate labels; the program returns the closest candidate\'s label.',
  object_rel_direction_easy: 'objects: [standing-by object, facing object, query object], role "unique" each. answerType "choice"; options exactly ["left", "right"].',
  object_rel_direction_medium: 'objects: [standing-by object, facing object, query object], role "unique" each. answerType "choice"; options exactly ["left", "right", "back"] ("back": turning at least 135 degrees).',
  object_rel_direction_hard: 'objects: [standing-by object, facing object, query object], role "unique" each. answerType "choice"; options exactly ["front-left", "front-right", "back-left", "back-right"].',
  obj_appearance_order: 'objects: 3–4 categories, role "any" each, in the order the question lists them. answerType "choice"; options: orderings written "a, b, c, d"; the program returns the correct ordering string.',
  route_planning: 'objects: [start object, facing object, goal object, then the landmarks the question\'s "Go forward until the …" steps name, in walking order], role "unique" each. answerType "choice"; options: turn sequences written "Turn Left, Turn Right" (one turn per [please fill in]); the program returns the correct sequence from scene.route.',
  object_height_comparison: 'objects: the 2–4 candidates, role "unique" each. answerType "choice"; options: the candidate labels; the program returns the label of the one reaching highest.',
  object_rel_size: 'objects: the 2–4 candidates, role "unique" each. answerType "choice"; options: the candidate labels; the program returns the label of the largest by volume.',
  camera_object_distance: 'objects: the one object, role "unique"; frame: the 0-based frame index the question refers to (the question says it 1-based), where the object is visible. answerType "number" (metres, 2 decimals), no options.',
};

export const SYSTEM_PROMPT = [
  'You write spatial-reasoning questions about one 3D indoor scene, each with a program that computes its answer.',
  'A program is the body of `function (scene) { … }` written against the read-only scene API documented below; it returns the answer (a number, or the exact text of the correct option).',
  'The program runs in a sandbox; its result is the ground truth, and it is checked against the family\'s definition for the objects your question names.',
  'Answer with one JSON object and nothing else:',
  '{"question": string, "options": string[] (option texts without letters; [] for numeric answers), "answerType": "choice" | "number", "program": string, "objects": [{"label": string, "role": "unique" | "every" | "any"}], "frame": integer | null}',
  'Name objects by their exact labels. Use only labels whose role the scene allows: "unique" needs exactly one object with that label.',
  '',
  SCENE_API_DOC,
].join('\n');

const r2 = (x: number): string => (Math.round(x * 100) / 100).toString();

/** The scene as the model reads it: room, frames, and every object's label, box and first visible frame. */
export function describeScene(api: SceneApi): string {
  const objects = api.objects();
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  const lines = objects.map((o) => {
    const first = api.frameCount() > 0 ? api.firstVisibleFrame(o) : null;
    return `${o.id}\t${o.label}${counts.get(o.label)! > 1 ? ` (${counts.get(o.label)} objects share this label)` : ''}\tcenter ${o.center.map(r2).join(', ')}\textents ${o.extents.map(r2).join(', ')}\t${first === null ? 'never seen' : `first seen in frame ${first}`}`;
  });
  return [
    `Room: floor area ${r2(api.roomArea())} m², floor at z = ${r2(api.floorZ())}; video frames: ${api.frameCount()}.`,
    `Objects (id, label, box centre x y z in metres, full box extents, visibility):`,
    ...lines,
  ].join('\n');
}

export interface PromptInput {
  api: SceneApi;
  family: Family;
  bin: number;
  /** The controller's feedback for this scene and family (feedback.ts), or '' before any round was answered. */
  feedback: string;
  /** Questions already drafted for this request, which the new one must not repeat. */
  earlier: readonly string[];
}

export function userPrompt({ api, family, bin, feedback, earlier }: PromptInput): string {
  const spec = FAMILY_SPECS[family];
  const knobs = Object.entries(spec.knobs).map(([k, v]) => `${k}: ${v}`).join('; ');
  return [
    describeScene(api),
    '',
    `Write one question of the family ${family}: ${spec.definition}`,
    NAMING[family],
    `Difficulty: bin ${bin} of 0–${spec.bins - 1} (0 easiest), by ${knobs}.`,
    '',
    feedback === '' ? 'No feedback yet: the solver has not answered questions from this scene.' : feedback,
    ...(earlier.length > 0 ? ['', 'Already drafted for this request (write a different question):', ...earlier.map((q) => `- ${q}`)] : []),
  ].join('\n');
}

/** The structured-output schema (OpenAI's json_schema response format, strict). */
export const DRAFT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['question', 'options', 'answerType', 'program', 'objects', 'frame'],
  properties: {
    question: { type: 'string' },
    options: { type: 'array', items: { type: 'string' } },
    answerType: { type: 'string', enum: ['choice', 'number'] },
    program: { type: 'string' },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['label', 'role'],
        properties: { label: { type: 'string' }, role: { type: 'string', enum: ['unique', 'every', 'any'] } },
      },
    },
    frame: { type: ['integer', 'null'] },
  },
} as const;
