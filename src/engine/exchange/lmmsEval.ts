/**
 * A held-out benchmark as an lmms-eval task (lmms-eval's task guide: a YAML file plus a `utils.py` beside it,
 * found with `--include_path`), so an external model is scored on the questions the workbench's solver is
 * scored on, with the same prompt and the same metrics.
 *
 * lmms-eval is not installed here and cannot be (it needs PyTorch and model weights); the user runs it. What
 * is checked here: the YAML's shape follows lmms-eval's vsibench task (generate_until, VSI-Bench's prompt
 * kwargs, process_results + per-metric aggregation functions), the docs load with Hugging Face `datasets`'
 * `json` builder (`dataset_path: json`, `dataset_kwargs.data_files`, which lmms-eval passes to `load_dataset`),
 * and utils.py, run with python3 in the tests, gives the prompts of vsiRecord.ts › vsiPrompt and the scores of
 * eval/vsiScore.ts. utils.py is written here from vsiScore.ts, not taken from lmms-eval.
 */
import { FAMILIES } from '../../shared/proposer.js';
import { VSI_CHOICE_POST_PROMPT, VSI_NUMBER_POST_PROMPT, VSI_PRE_PROMPT, type VsiRecord } from './vsiRecord.js';

/** One lmms-eval doc: a VSI-Bench record plus what the task's utils.py shows the model. */
export interface LmmsEvalDoc extends VsiRecord {
  id: number;
  /** Frame images, relative to the task folder (utils.py resolves them against its own folder). */
  images: string[];
  /** Put before the question (which image is the frame a question names); "" when none. */
  context: string;
  /** The stored scene id, to find the question's scene in the workspace. */
  scene_id: string;
}

/** The overall metric's name; per-family metrics are `<family>_score`. */
export const OVERALL_METRIC = 'vsibench_score';

export const familyMetric = (family: string): string => `${family}_score`;

/** Task names become file names and YAML keys: kept to what both take without quoting or escaping. */
export const TASK_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

/** A YAML scalar that stays a string whatever it holds: a JSON string is a valid YAML double-quoted scalar. */
const yamlString = (s: string): string => JSON.stringify(s);

/**
 * The task YAML. `dataFile` must be absolute: `datasets.load_dataset` resolves a relative `data_files` against
 * the working directory lmms-eval runs in, not the YAML's folder. `families` lists the per-family metrics.
 */
export function taskYaml(input: { task: string; dataFile: string; families: readonly string[]; description: string }): string {
  const metric = (name: string, aggregation: string): string =>
    [`  - metric: ${name}`, `    aggregation: !function utils.${aggregation}`, '    higher_is_better: true'].join('\n');
  return `${[
    `# ${input.description}`,
    '# Written by Ouroboros Workbench (npm run exchange -- export-benchmark). Run it with lmms-eval, which is not',
    '# part of the workbench: lmms-eval --model <model> --model_args <args> --tasks <this task> --include_path <this folder>',
    '# The docs are read from the absolute path below; move the folder and that line must follow it.',
    `task: ${input.task}`,
    'dataset_path: json',
    'dataset_kwargs:',
    '  data_files:',
    `    test: ${yamlString(input.dataFile)}`,
    'test_split: test',
    'output_type: generate_until',
    'doc_to_visual: !function utils.doc_to_visual',
    'doc_to_text: !function utils.doc_to_text',
    'doc_to_target: ground_truth',
    'generation_kwargs:',
    '  max_new_tokens: 16',
    '  temperature: 0',
    '  top_p: 1.0',
    '  num_beams: 1',
    '  do_sample: false',
    'process_results: !function utils.process_results',
    'metric_list:',
    metric(OVERALL_METRIC, 'aggregate_overall'),
    ...input.families.map((f) => metric(familyMetric(f), `aggregate_${f}`)),
    'lmms_eval_specific_kwargs:',
    '  default:',
    `    pre_prompt: ${yamlString(VSI_PRE_PROMPT)}`,
    `    mca_post_prompt: ${yamlString(VSI_CHOICE_POST_PROMPT)}`,
    `    na_post_prompt: ${yamlString(VSI_NUMBER_POST_PROMPT)}`,
    'metadata:',
    '  - version: 0.0',
  ].join('\n')}\n`;
}

const py = (s: string): string => JSON.stringify(s);

/**
 * The task's utils.py: standard library only (Pillow, which lmms-eval installs, only when frames are loaded),
 * so it imports under a bare python3 for the tests. Each function mirrors the TypeScript it names.
 */
export function utilsPy(benchmarkFamilies: readonly string[] = []): string {
  // Every family of this system gets an aggregation, and so does any other the benchmark holds (an older set).
  const all = [...new Set([...FAMILIES, ...benchmarkFamilies])];
  const bad = all.find((f) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f));
  if (bad !== undefined) throw new RangeError(`question type "${bad}" cannot name a Python function`);
  const families = all.map((f) => `    ${py(f)},`).join('\n');
  const perFamily = all.map((f) => `\n\ndef aggregate_${f}(rows):\n    return aggregate_family(rows, ${py(f)})`).join('');
  return `"""lmms-eval task functions for a held-out benchmark exported by Ouroboros Workbench.

Written by the workbench (src/engine/exchange/lmmsEval.ts), not taken from lmms-eval. The prompt is
vsiRecord.ts > vsiPrompt and the scoring is eval/vsiScore.ts, line for line: the prediction's first word, exact
match for choice questions, mean relative accuracy over 0.50, 0.55, ..., 0.95 for numeric ones, and the overall
score as the mean of the family scores with the three relative-direction levels averaged first (a missing
level counts 0). Scores are fractions (0 to 1), as the workbench stores them.

lmms-eval itself is not installed by the workbench; run it yourself with --include_path <this folder>.
"""
import math
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))

PRE_PROMPT = ${py(VSI_PRE_PROMPT)}
CHOICE_POST_PROMPT = ${py(VSI_CHOICE_POST_PROMPT)}
NUMBER_POST_PROMPT = ${py(VSI_NUMBER_POST_PROMPT)}

FAMILIES = [
${families}
]
OVERALL_METRIC = ${py(OVERALL_METRIC)}
METRICS = [OVERALL_METRIC] + [family + "_score" for family in FAMILIES]

# vsiScore.ts MRA_THRESHOLDS: numpy's linspace(0.5, 0.95, 10), start + i * step with the last one exact.
MRA_THRESHOLDS = [0.5 + i * ((0.95 - 0.5) / 9) for i in range(9)] + [0.95]

CHOICE_FAMILY = re.compile(
    r"^(object_rel_direction_|object_rel_distance|obj_appearance_order|route_planning|object_height_comparison|object_rel_size)"
)
# vsiScore.ts parseNumber: the spellings Python's float() takes, ASCII digits only (re's \\d would take others).
NUMBER = re.compile(r"^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\Z")
SPECIAL = re.compile(r"^[+-]?(inf|infinity|nan)\\Z", re.IGNORECASE)


def frame_paths(doc):
    """The doc's frame images as absolute paths (they are stored relative to this folder)."""
    return [os.path.join(HERE, *path.split("/")) for path in doc["images"]]


def doc_to_visual(doc):
    # Imported here so the rest of this file needs only the standard library; lmms-eval brings Pillow.
    from PIL import Image

    images = []
    for path in frame_paths(doc):
        with Image.open(path) as image:
            images.append(image.convert("RGB"))
    return images


def doc_to_text(doc, lmms_eval_specific_kwargs=None):
    """vsiRecord.ts vsiPrompt, with the frame context first as the training exports put it."""
    kwargs = lmms_eval_specific_kwargs or {}
    pre = kwargs.get("pre_prompt") or PRE_PROMPT
    question = doc["question"]
    if doc.get("context"):
        question = doc["context"] + " " + question
    options = doc.get("options")
    if options:
        post = kwargs.get("mca_post_prompt") or CHOICE_POST_PROMPT
        return "\\n".join([pre, question, "Options:\\n" + "\\n".join(options), post])
    post = kwargs.get("na_post_prompt") or NUMBER_POST_PROMPT
    return "\\n".join([pre, question, post])


def first_word(prediction):
    """vsiScore.ts firstWord: first space-separated word, trailing full stops removed, trimmed."""
    return re.sub(r"\\.+\\Z", "", prediction.split(" ")[0]).strip()


def parse_number(text):
    """vsiScore.ts parseNumber: a number, or None when the text is not one."""
    t = text.strip()
    if not NUMBER.match(t) and not SPECIAL.match(t):
        return None
    return float(t)


def is_choice_family(family):
    return CHOICE_FAMILY.match(family) is not None


def mean_relative_accuracy(prediction, ground_truth):
    """vsiScore.ts meanRelativeAccuracy."""
    if not (ground_truth != 0 and math.isfinite(ground_truth)):
        raise ValueError("MRA needs a finite, non-zero ground truth, got %r" % (ground_truth,))
    if not math.isfinite(prediction):
        return 0.0
    rel = abs(prediction - ground_truth) / ground_truth
    return len([t for t in MRA_THRESHOLDS if rel <= 1 - t]) / len(MRA_THRESHOLDS)


def score_prediction(family, prediction, ground_truth):
    """vsiScore.ts scorePrediction for a text prediction."""
    word = first_word(prediction)
    if is_choice_family(family):
        return 1.0 if word.lower() == str(ground_truth).lower() else 0.0
    gt = parse_number(str(ground_truth))
    if gt is None:
        raise ValueError("ground truth %r of a numeric question is not a number" % (ground_truth,))
    p = parse_number(word)
    return 0.0 if p is None else mean_relative_accuracy(p, gt)


def process_results(doc, results):
    prediction = results[0] if results else ""
    row = {
        "id": doc["id"],
        "question_type": doc["question_type"],
        "prediction": prediction,
        "score": score_prediction(doc["question_type"], prediction, doc["ground_truth"]),
    }
    # Every metric aggregates the same rows: the overall one all of them, each family's its own.
    return {metric: row for metric in METRICS}


def family_scores(rows):
    """Per-family (n, mean score), in order of first appearance, as vsiScore.ts aggregateScores builds them."""
    sums = {}
    order = []
    for row in rows:
        family = row["question_type"]
        if family not in sums:
            sums[family] = [0, 0.0]
            order.append(family)
        sums[family][0] += 1
        sums[family][1] += row["score"]
    return [(family, sums[family][0], sums[family][1] / sums[family][0]) for family in order]


def aggregate_overall(rows):
    """vsiScore.ts aggregateScores(...).overall."""
    families = family_scores(rows)
    parts = [score for family, _, score in families if not family.startswith("object_rel_direction_")]
    if any(family.startswith("object_rel_direction_") for family, _, _ in families):
        by_family = {family: score for family, _, score in families}
        levels = [by_family.get("object_rel_direction_" + level, 0.0) for level in ("easy", "medium", "hard")]
        total = 0.0
        for level in levels:
            total += level
        parts.append(total / 3)
    if not parts:
        return 0.0
    total = 0.0
    for part in parts:
        total += part
    return total / len(parts)


def aggregate_family(rows, family):
    """One family's mean score (accuracy for choice families, MRA for numeric ones); NaN when it has no rows."""
    scores = [row["score"] for row in rows if row["question_type"] == family]
    if not scores:
        return float("nan")
    total = 0.0
    for score in scores:
        total += score
    return total / len(scores)${perFamily}
`;
}
