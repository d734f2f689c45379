/** Child process of the large-model benchmark: read, index and detect one model, report time and max RSS. */
import { detectLayers } from '../src/core/detect';
import { indexGraph } from '../src/core/onnx/graph';
import { readModelStructure } from '../src/core/onnx/inspect';

async function main(path: string): Promise<void> {
  const start = performance.now();
  const bytes = await readModelStructure(path);
  const layers = detectLayers(indexGraph(bytes, path), bytes).candidates.length;
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(JSON.stringify({ seconds, maxRss: process.resourceUsage().maxRSS * 1024, layers }));
}

void main(process.argv[2]!);
