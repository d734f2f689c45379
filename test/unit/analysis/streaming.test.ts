import {
  createAccumulator,
  type AccumulatorOptions,
  type LayerBatch,
  type LayerKind,
} from '../../../src/core/analysis';
import {
  assertMatches,
  random,
  randomExpertChoice,
  randomSmear,
  randomSoftMoe,
  randomTopK,
  sliceBatch,
} from './support';

const B = 13;
const next = random(2024);
const labels = Int32Array.from({ length: B }, () => Math.floor(next() * 4));

const cases: { kind: LayerKind; options: AccumulatorOptions; batch: LayerBatch }[] = [
  { kind: 'soft_moe', options: { experts: 4, slotsPerExpert: 2 }, batch: randomSoftMoe(next, B, 9, 4, 2) },
  { kind: 'topk', options: { experts: 6, k: 2 }, batch: randomTopK(next, B, 11, 6, 2) },
  { kind: 'expert_choice', options: { experts: 5 }, batch: randomExpertChoice(next, B, 10, 5, 3) },
  { kind: 'smear', options: { experts: 7 }, batch: randomSmear(next, B, 7) },
];

function summaryOf(c: (typeof cases)[number], sizes: number[]) {
  const acc = createAccumulator(c.kind, c.options);
  let start = 0;
  for (const size of sizes) {
    acc.add(sliceBatch(c.batch, start, start + size), labels.subarray(start, start + size));
    start += size;
  }
  return acc.summary();
}

describe('streaming accumulation', () => {
  for (const c of cases) {
    it(`${c.kind}: one batch and many uneven batches give the same summary (to 1e-12)`, () => {
      const whole = summaryOf(c, [B]);
      for (const sizes of [[1, 5, 7], [4, 4, 4, 1], Array<number>(B).fill(1)]) {
        assertMatches(summaryOf(c, sizes), whole, `${c.kind} ${sizes.join('+')}`, { abs: 1e-12, rel: 0 });
      }
    });

    it(`${c.kind}: class loads sum to 1 for every class`, () => {
      const { classLoad } = summaryOf(c, [3, 10]);
      if (!classLoad) throw new Error('no class load');
      assertMatches(
        classLoad.classes,
        [...new Set(labels)].sort((a, b) => a - b),
        'classes',
      );
      for (const load of classLoad.load) {
        assertMatches(
          load.reduce((a, b) => a + b, 0),
          1,
          'class load sum',
          { abs: 1e-12, rel: 0 },
        );
      }
    });
  }
});
