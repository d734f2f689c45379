import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInputs } from '../../../src/core/data/load';
import { parseNpy } from '../../../src/core/data/npy';
import { loadText, textSamples } from '../../../src/core/data/text';
import type { TensorSpec } from '../../../src/core/onnx/types';
import { fixture, isError, MODELS_DIR, tempDir } from './support';

const TINY = fixture('tiny.tokenizer.json');
const IDS: TensorSpec = { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] };
const ids = (data: unknown): number[] => Array.from(data as BigInt64Array, Number);

describe('text inputs', () => {
  const topk = join(MODELS_DIR, 'text_topk.tokenizer.json');
  const snippets = join(MODELS_DIR, 'text_topk.ref', 'snippets.json');
  const reference = join(MODELS_DIR, 'text_topk.ref', 'inputs.npy');

  it('tokenises the text_topk reference snippets to exactly the ids the model was tested with', async function () {
    if (![topk, snippets, reference].every(existsSync)) {
      this.skip(); // test/fixtures/models is produced by test/fixtures/train.py
    }
    const refs = (JSON.parse(readFileSync(snippets, 'utf8')) as { references: { text: string }[] })
      .references;
    const spec: TensorSpec = { name: 'input_ids', dtype: 'int64', shape: ['batch', 24] };
    const set = await loadText(
      refs.map((r) => r.text),
      topk,
      spec,
      { split: 'whole' },
    );
    const b = readFileSync(reference);
    const wanted = parseNpy(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), 'inputs.npy');
    assert.equal(set.count, refs.length);
    const got = set.batch(0, set.count).input_ids!;
    assert.deepEqual(got.shape, wanted.shape);
    assert.deepEqual(Array.from(got.data as BigInt64Array), Array.from(wanted.data as BigInt64Array));
    assert.equal(set.tokens!.length, refs.length);
    for (const row of set.tokens!) assert.equal(row.length, 24);
  });

  it('adds the template specials, maps unknown words to [UNK] and pads with <pad> to the longest line', async () => {
    const set = await loadText('the cat\n\n   The dog sat .  \n', TINY, IDS);
    assert.equal(set.count, 2);
    assert.equal(set.source, 'text');
    const t = set.batch(0, 2).input_ids!;
    assert.equal(t.dtype, 'int64');
    assert.deepEqual(t.shape, [2, 6]);
    assert.deepEqual(ids(t.data), [1, 4, 5, 2, 3, 3, 1, 4, 0, 6, 7, 2]);
    assert.deepEqual(set.tokens, [
      ['[CLS]', 'the', 'cat', '[SEP]', '<pad>', '<pad>'],
      ['[CLS]', 'the', 'dog', 'sat', '.', '[SEP]'],
    ]);
  });

  it('splits words on Unicode word characters, as Hugging Face’s Whitespace pre-tokenizer does', async () => {
    const dir = tempDir();
    try {
      // A WordLevel vocabulary with accented words, its Whitespace split inside a Sequence.
      const vocab = { '[UNK]': 0, café: 1, naïve: 2, straße: 3, ',': 4, is: 5, the: 6, '[PAD]': 7 };
      const path = join(dir.path, 'accents.tokenizer.json');
      writeFileSync(
        path,
        JSON.stringify({
          version: '1.0',
          model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
          normalizer: { type: 'Lowercase' },
          pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }] },
        }),
      );
      const set = await loadText(['The café, naïve', 'straße is über'], path, IDS, { split: 'lines' });
      assert.deepEqual(set.tokens, [
        ['the', 'café', ',', 'naïve'],
        ['straße', 'is', 'über', '[PAD]'],
      ]);
      // "über" is not in the vocabulary (id of [UNK]); the shorter line is padded with [PAD].
      assert.deepEqual(ids(set.batch(0, 2).input_ids!.data), [6, 1, 4, 2, 3, 5, 0, 7]);
    } finally {
      dir.cleanup();
    }
  });

  it('truncates to the static sequence length and fills an attention mask', async () => {
    const specs: TensorSpec[] = [
      { name: 'input_ids', dtype: 'int64', shape: ['batch', 4] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 4] },
    ];
    const set = await loadText(['the cat sat .', 'cat'], TINY, specs);
    const rows = set.batch(0, 2);
    assert.deepEqual(ids(rows.input_ids!.data), [1, 4, 5, 6, 1, 5, 2, 3]);
    assert.deepEqual(ids(rows.attention_mask!.data), [1, 1, 1, 1, 1, 1, 1, 0]);
    assert.deepEqual(set.tokens![0], ['[CLS]', 'the', 'cat', 'sat']);
  });

  it('keeps a whole selection as one sample, without specials on request, as int32 when asked', async () => {
    const spec: TensorSpec = { name: 'ids', dtype: 'int32', shape: [1, 'n'] };
    const set = await loadText('the cat\nsat', TINY, spec, {
      split: 'whole',
      addSpecialTokens: false,
      sequenceLength: 5,
    });
    assert.equal(set.count, 1);
    const t = set.batch(0, 1).ids!;
    assert.equal(t.dtype, 'int32');
    assert.deepEqual(Array.from(t.data as Int32Array), [4, 5, 6, 3, 3]);
  });

  it('splits lines the documented way', () => {
    assert.deepEqual(textSamples('a\r\n\n b \n'), ['a', 'b']);
    assert.deepEqual(textSamples(['x\ny', ' ', 'z']), ['x', 'y', 'z']);
    assert.deepEqual(textSamples(['x\ny', ' ', 'z'], 'whole'), ['x\ny', 'z']);
  });

  it('loads a .txt file through loadInputs with the tokenizer option and a dims sequence length', async () => {
    const dir = tempDir();
    try {
      const path = join(dir.path, 'lines.txt');
      writeFileSync(path, 'the cat\nsat\n');
      const set = await loadInputs(path, [IDS], { tokenizer: TINY, dims: { sequence: 5 } });
      assert.equal(set.source, 'lines.txt');
      assert.deepEqual(ids(set.batch(0, 2).input_ids!.data), [1, 4, 5, 2, 3, 1, 6, 2, 3, 3]);
      await assert.rejects(
        loadInputs(path, [IDS]),
        isError('BAD_REQUEST', /lines\.txt is text, which needs a tokenizer/),
      );
    } finally {
      dir.cleanup();
    }
  });

  it('rejects empty text, non-integer inputs and unusable tokenizers', async () => {
    await assert.rejects(loadText(' \n \n', TINY, IDS), isError('BAD_REQUEST', /no non-empty lines/));
    await assert.rejects(
      loadText('the cat', TINY, { name: 'pixels', dtype: 'float32', shape: ['batch', 1, 28, 28] }),
      isError(
        'BAD_REQUEST',
        /input 'pixels' expects float32 \[batch, 1, 28, 28\], but text gives int64 \[batch, sequence\] token ids/,
      ),
    );
    await assert.rejects(
      loadText('the cat', fixture('missing.tokenizer.json'), IDS),
      isError('FILE_NOT_FOUND', /missing\.tokenizer\.json/),
    );
    await assert.rejects(
      loadText('the cat', fixture('expected.json'), IDS),
      isError('BAD_REQUEST', /not a usable tokenizer\.json: it has no model/),
    );
  });
});
