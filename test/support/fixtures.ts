/** Access to the committed fixtures (trained by test/fixtures/train.py) and their references. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above the compiled test holding package.json. */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const MODELS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'models');
export const DEMO_MODEL = join(REPO_ROOT, 'media', 'demo', 'softmoe_vit.onnx');

/** Fixtures with PyTorch expert-drop references (`keep{K}.logits`, `expertDrop`), one per routing kind. */
export const EXPERT_DROP_FIXTURES = [
  'softmoe_vit',
  'softmoe_vit_plain',
  'smear_vit',
  'topk_vit',
  'switch_vit',
  'sigmoid_topk_vit',
  'expert_choice_vit',
  'text_topk',
];

export interface TensorRef {
  name: string;
  dtype: string;
  shape: (number | string | null)[];
}

export interface FixtureReference {
  name: string;
  task: string;
  testAccuracy: number;
  opset: number;
  producer: { name: string; version: string };
  irVersion: number;
  nodeCount: number;
  inputs: TensorRef[];
  outputs: TensorRef[];
  layers: { id: string; kind: string; experts: number }[];
  files: Record<string, string>;
}

export interface Fixture {
  name: string;
  modelPath: string;
  reference: FixtureReference;
}

export function loadFixtures(): Fixture[] {
  return readdirSync(MODELS_DIR)
    .filter((file) => file.endsWith('.reference.json'))
    .sort()
    .map((file) => {
      const reference = JSON.parse(readFileSync(join(MODELS_DIR, file), 'utf8')) as FixtureReference;
      return { name: reference.name, modelPath: join(MODELS_DIR, `${reference.name}.onnx`), reference };
    });
}
