/**
 * The standalone HTML report writer: one self-contained page under a strict nonce policy, with the
 * report embedded as JSON that no layer name can break out of, and read back exactly.
 */
import assert from 'node:assert/strict';
import {
  contentSecurityPolicy,
  randomNonce,
  scriptSafeJson,
  standaloneHtml,
} from '../../src/core/report/html';
import { reviveReport } from '../../src/core/report/read';
import { REPORT_SCHEMA, type Report } from '../../src/core/report/types';

const HOSTILE = 'blocks.0</script><script>alert(1)</script><!--\u2028';

/** A two-token, two-expert Soft MoE report (p = 1) whose layer id tries to end the JSON script. */
function report(): Report {
  const summary = {
    kind: 'soft_moe' as const,
    samples: 1,
    tokens: 2,
    expertLoad: [0.25, 0.75],
    top1Share: [0, 1],
    balance: { cv: 0.5, switchAux: 1.5 },
    nonFinite: 0,
    combineEntropy: 0.8,
    dispatchEntropy: 0.9,
    softMoe: {
      combineMinMean: 0.2,
      combineMaxMean: 0.8,
      dispatchMinMean: 0.3,
      dispatchMaxMean: 0.7,
      tokenSimilarity: 0.5,
      slotSimilarity: 0.4,
    },
  };
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'moe-scope', version: '0.1.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    model: {
      path: '/models/<b>vit&.onnx',
      sha256: '00',
      opset: 17,
      producer: 'pytorch',
      inputs: [],
      outputs: [],
    },
    provider: 'cpu',
    providerNotes: [],
    inputs: { source: 'test', count: 1 },
    samples: 1,
    layers: [
      {
        id: HOSTILE,
        index: 0,
        kind: 'soft_moe',
        experts: 2,
        slotsPerExpert: 1,
        tokens: 2,
        tensors: {},
        evidence: 'test',
        summary,
      },
    ],
    perSample: [
      {
        index: 0,
        label: 1,
        prediction: 1,
        image: { height: 1, width: 2, channels: 1, data: Uint8Array.from([0, 255]) },
        layers: {
          [HOSTILE]: {
            combine: { rows: 2, cols: 2, data: Float32Array.from([0.25, 0.75, 0.5, 0.5]) },
            dispatch: { rows: 2, cols: 2, data: Float32Array.from([0.375, 0.125, 0.625, 0.875]) },
            expertScores: Float32Array.from([0.75, 1.25]),
          },
        },
      },
    ],
    warnings: [],
    timing: { totalMs: 1, inferenceMs: 1, samplesPerSecond: 1 },
  };
}

const SCRIPT = 'var x = "</script><b>";\nconsole.log(x);\n//# sourceMappingURL=report.js.map\n';
const STYLE = 'body { content: "</style>"; }\n/*# sourceMappingURL=report.css.map */\n';

describe('standalone HTML report', () => {
  it('declares a policy that loads nothing and runs only its own nonce-carrying script and style', () => {
    const nonce = 'AAAAbbbbCCCCdddd1234';
    const html = standaloneHtml(report(), { script: SCRIPT, style: STYLE, nonce });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.equal(policy, contentSecurityPolicy(nonce));
    assert.deepEqual(policy!.split('; '), [
      "default-src 'none'",
      'img-src data: blob:',
      `style-src 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    assert.equal(html.match(/<script nonce="AAAAbbbbCCCCdddd1234">/g)?.length, 1);
    assert.equal(html.match(/<style nonce="AAAAbbbbCCCCdddd1234">/g)?.length, 1);
    assert.equal(html.match(/<script/g)?.length, 2, 'the JSON data block and the views’ script');
    assert.ok(!/https?:|src=|href=/.test(html), 'nothing is loaded from anywhere');
  });

  it('keeps inlined code and the embedded JSON from closing their elements', () => {
    const html = standaloneHtml(report(), { script: SCRIPT, style: STYLE });
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two real closing tags');
    assert.equal(html.match(/<\/style>/g)?.length, 1);
    assert.ok(html.includes('var x = "<\\/script><b>";'), 'the string reads the same in JavaScript');
    assert.ok(!html.includes('sourceMappingURL'), 'no source-map references to fetch');
    assert.ok(html.includes('<title>MoE Scope: &#60;b&#62;vit&#38;.onnx</title>'));
    const data = /<script type="application\/json" id="moe-scope-report">([^<]*)<\/script>/.exec(html)?.[1];
    assert.ok(data, 'the JSON block holds no "<" at all');
    assert.ok(!data.includes('\u2028'));
  });

  it('embeds the report so that reading it back gives the same layers, matrices and image', () => {
    const html = standaloneHtml(report(), { script: SCRIPT, style: STYLE });
    const data = /<script type="application\/json" id="moe-scope-report">([^<]*)<\/script>/.exec(html)![1]!;
    const back = reviveReport(JSON.parse(data));
    assert.equal(back.layers[0]!.id, HOSTILE);
    const layer = back.perSample![0]!.layers[HOSTILE]!;
    assert.deepEqual([...(layer.combine!.data as Float32Array)], [0.25, 0.75, 0.5, 0.5]);
    assert.deepEqual([...(layer.dispatch!.data as Float32Array)], [0.375, 0.125, 0.625, 0.875]);
    assert.deepEqual([...layer.expertScores!], [0.75, 1.25]);
    assert.deepEqual([...back.perSample![0]!.image!.data], [0, 255]);
    assert.deepEqual(back.layers[0]!.summary.expertLoad, [0.25, 0.75]);
  });

  it('writes "<" in JSON as \\u003c, which parses to the same text', () => {
    const text = JSON.stringify({ id: '</script><!-- a < b' });
    const safe = scriptSafeJson(text);
    assert.ok(!safe.includes('<'));
    assert.deepEqual(JSON.parse(safe), { id: '</script><!-- a < b' });
  });

  it('makes a fresh 24-character nonce per page and refuses a guessable one', () => {
    const nonces = new Set(Array.from({ length: 50 }, randomNonce));
    assert.equal(nonces.size, 50);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{24}$/);
    assert.throws(() => standaloneHtml(report(), { script: '', style: '', nonce: 'abc' }), RangeError);
    assert.throws(
      () => standaloneHtml(report(), { script: '', style: '', nonce: "x' 'unsafe-inline" }),
      RangeError,
    );
  });
});
