/**
 * (c) Reading and detecting a ≥ 1 GB model: wall time and peak memory (max RSS) of a fresh process
 * that reads, indexes and detects, against `onnx.load` in Debian's python3-onnx on the same file
 * (the baseline ratio). Targets: under 1 s and under 1.2× the file size.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes, encodeVarint, stringField, varintField } from '../src/core/onnx/encode';
import { indexGraph } from '../src/core/onnx/graph';
import { line } from './support';

const GIB = 2 ** 30;

/** Writes the demo model plus one unused 1 GiB float32 initializer, streaming the zeros. */
function writeLargeModel(demo: string, path: string, payloadBytes: number): void {
  const bytes = readFileSync(demo);
  const graph = indexGraph(bytes, demo);
  const [graphStart, graphEnd] = graph.graphSpan;
  const [fieldStart, fieldEnd] = graph.graphFieldSpan;
  const tensorHead = concatBytes([
    varintField(1, payloadBytes / 4),
    varintField(2, 1),
    stringField(8, 'bench.padding'),
  ]);
  const rawHeader = concatBytes([encodeVarint(9 * 8 + 2), encodeVarint(payloadBytes)]);
  const tensorLength = tensorHead.length + rawHeader.length + payloadBytes;
  const initializerHeader = concatBytes([encodeVarint(5 * 8 + 2), encodeVarint(tensorLength)]);
  const graphLength = graphEnd - graphStart + initializerHeader.length + tensorLength;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, bytes.subarray(0, fieldStart));
    writeSync(fd, concatBytes([encodeVarint(7 * 8 + 2), encodeVarint(graphLength)]));
    writeSync(fd, bytes.subarray(graphStart, graphEnd));
    writeSync(fd, concatBytes([initializerHeader, tensorHead, rawHeader]));
    const chunk = new Uint8Array(64 * 2 ** 20);
    for (let written = 0; written < payloadBytes; written += chunk.length) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, payloadBytes - written));
    }
    writeSync(fd, bytes.subarray(fieldEnd));
  } finally {
    closeSync(fd);
  }
}

const PYTHON_BASELINE = `
import resource, sys, time
import onnx
start = time.time()
model = onnx.load(sys.argv[1])
print(time.time() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
`;

export async function benchLargeModel(root: string): Promise<void> {
  const path = join(tmpdir(), `moe-scope-bench-${process.pid}.onnx`);
  try {
    writeLargeModel(join(root, 'media', 'demo', 'softmoe_vit.onnx'), path, GIB);
    const size = statSync(path).size;
    const child = spawnSync(process.execPath, [join(root, 'out', 'bench', 'readDetect.child.js'), path], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`read + detect failed: ${child.stderr}`);
    const ours = JSON.parse(child.stdout) as { seconds: number; maxRss: number; layers: number };
    line(`(c) read + detect, ${(size / GIB).toFixed(2)} GiB model`, `${ours.seconds.toFixed(3)} s`, '< 1 s');
    line('    peak memory / file size', `${(ours.maxRss / size).toFixed(2)}×`, '< 1.2×');
    line('    MoE layers found', String(ours.layers));
    const python = spawnSync('/usr/bin/python3', ['-c', PYTHON_BASELINE, path], { encoding: 'utf8' });
    if (python.status === 0) {
      const [seconds, rss] = python.stdout.trim().split(/\s+/).map(Number) as [number, number];
      line('    baseline: python3 onnx.load', `${seconds.toFixed(3)} s`);
      line('    baseline peak memory / file size', `${(rss / size).toFixed(2)}×`);
      line('    MoE Scope time / onnx.load time', `${(ours.seconds / seconds).toFixed(3)}×`);
    } else {
      line('    baseline: python3 onnx.load', 'skipped', 'needs Debian python3-onnx');
    }
  } finally {
    rmSync(path, { force: true });
  }
}
