/** Locating routed tokens in the analysed text, and their experts, for editor decorations. */
import assert from 'node:assert/strict';
import { locateTokens, tokenExperts } from '../../src/core/report/tokenRouting';
import { lineSamples } from '../../src/host/inputChoice';

describe('token routing in the editor text', () => {
  it('finds word pieces case-insensitively in order and skips special tokens', () => {
    const text = 'Permission is  hereby GRANTED, free';
    const tokens = ['[CLS]', 'permission', 'is', 'here', '##by', 'granted', ',', 'free', '[SEP]', '[PAD]'];
    const spans = locateTokens(tokens, text);
    assert.deepEqual(
      spans.map((s) => [s.token, text.slice(s.start, s.end)]),
      [
        [1, 'Permission'],
        [2, 'is'],
        [3, 'here'],
        [4, 'by'],
        [5, 'GRANTED'],
        [6, ','],
        [7, 'free'],
      ],
    );
  });

  it('skips a token it cannot find instead of guessing, and keeps going', () => {
    const spans = locateTokens(['copy', '[UNK]', 'ñandú', 'of'], 'copy of');
    assert.deepEqual(
      spans.map((s) => s.text),
      ['copy', 'of'],
    );
  });

  it('lists a top-k token’s chosen experts by weight', () => {
    const probs = { rows: 2, cols: 4, data: Float32Array.from([0.1, 0.6, 0.05, 0.25, 0.4, 0.3, 0.2, 0.1]) };
    const topk = { rows: 2, cols: 2, data: Int32Array.from([3, 1, 0, 1]) };
    assert.deepEqual(
      tokenExperts({ probs, topk }, 0).experts.map((e) => e.expert),
      [1, 3],
    );
    const all = tokenExperts({ probs }, 1, 3).experts;
    assert.deepEqual(
      all.map((e) => e.expert),
      [0, 1, 2],
    );
    assert.ok(Math.abs(all[0]!.weight - 0.4) < 1e-7);
    assert.deepEqual(tokenExperts({}, 0).experts, []);
  });

  it('splits text into trimmed non-empty lines with their offsets', () => {
    const text = '  first line \n\nsecond\r\n   \nthird';
    const samples = lineSamples(text, 100);
    assert.deepEqual(
      samples.map((s) => text.slice(s.start - 100, s.end - 100)),
      ['first line', 'second', 'third'],
    );
  });
});
