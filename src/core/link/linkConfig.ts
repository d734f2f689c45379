/**
 * Links a JSON or YAML config to a report's layers: every key whose key path ends like the layer id
 * (`blocks.2.mixer:`, or `mixer:` for every `….mixer` layer, `blocks: {2: {mixer: …}}`), and a
 * string value holding the layer id or one of its ONNX node or tensor names (as in an override
 * sidecar `model.moe.json`).
 */
import type { ConfigIndex } from './configIndex';
import { isIndexSegment, layerSegments, namesLayer, sharedTail } from './layerPath';
import { SCORE } from './linkPython';
import type { LayerLink, LinkTarget } from './types';

function linkTarget(index: ConfigIndex, target: LinkTarget): LayerLink[] {
  const layerId = target.id;
  const links: LayerLink[] = index.strings
    .filter((s) => namesLayer(s.value, target))
    .map((s) => ({ anchor: s.anchor, layerId, kind: 'string' as const, score: SCORE.string }));
  const segments = layerSegments(layerId);
  const keys = index.keys.map((key) => {
    // Keys may themselves be dotted module paths ("blocks.2": {...}).
    const path = key.path.flatMap(layerSegments);
    const matched = sharedTail(path, segments);
    // `blocks.3.mlp` is not `blocks.2.mlp`, though both end in `mlp`.
    const before = [path[path.length - 1 - matched], segments[segments.length - 1 - matched]];
    if (before.every((s) => s !== undefined && isIndexSegment(s))) return { key, matched: 0, score: 0 };
    const score = (matched === segments.length ? SCORE.fullPath : 0) + matched * SCORE.perSegment;
    return { key, matched, score };
  });
  // Every matching key links: a shared `mlp:` section configures each `….mlp` layer, even where a
  // `blocks.3.mlp:` key also exists (the score tells Go to Source which is more specific).
  for (const { key, matched, score } of keys) {
    if (matched > 0) links.push({ anchor: key.anchor, layerId, kind: 'configKey', score });
  }
  return links;
}

/** Every link from a config (its `index`) to `targets`. */
export function linkConfig(index: ConfigIndex, targets: readonly LinkTarget[]): LayerLink[] {
  return targets.flatMap((target) => linkTarget(index, target));
}
