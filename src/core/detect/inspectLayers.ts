/**
 * `inspect` with layers: the model's summary plus the MoE layers its graph shows (the sidecar
 * `<model>.moe.json` or the given overrides applied), read without the weight payloads and without
 * running anything.
 */
import { indexGraph } from '../onnx/graph';
import { inlineLocalFunctions } from '../onnx/inline';
import { readModelStructure, summariseModelBytes, withModelErrors } from '../onnx/inspect';
import { detectLayers } from '.';
import { outlineLayers, ModelInspection } from './outline';
import { applyOverrides, Overrides, readSidecarOverrides } from './overrides';

export type { ModelInspection };

export async function inspectWithLayers(path: string, overrides?: Overrides): Promise<ModelInspection> {
  const structure = await readModelStructure(path);
  // Layers exported as model-local functions show once their calls are inlined.
  const { bytes } = withModelErrors(path, structure.byteLength, () => inlineLocalFunctions(structure));
  const summary = summariseModelBytes(bytes, path);
  const graph = withModelErrors(path, bytes.byteLength, () => indexGraph(bytes, path));
  const detection = detectLayers(graph, bytes);
  const candidates = applyOverrides(
    graph,
    detection.candidates,
    overrides ?? (await readSidecarOverrides(path)),
  );
  return { ...summary, layers: outlineLayers(graph, candidates), searched: detection.searched };
}
