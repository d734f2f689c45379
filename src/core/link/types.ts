/**
 * Types of the layer linker: where in a document (Python model code, a JSON or YAML config) a
 * report's layers are named, and how sure the link is.
 */

/** A span on one line of a document; columns are UTF-16 code units, like VS Code positions. */
export interface Anchor {
  /** Zero-based line. */
  line: number;
  start: number;
  end: number;
}

/** What the linker needs of a report layer: its id and the names that point at it. */
export interface LinkTarget {
  id: string;
  /** ONNX tensor names the routing was read from. */
  tensors: string[];
  /** The exporter's file:line (1-based line), when the checkpoint recorded it. */
  source?: { file: string; line: number };
}

/**
 * How an anchor names a layer:
 * - `source`: the exporter recorded this file:line for the layer;
 * - `attribute`: the module attribute assignment that creates it (`self.mixer = SoftMoE(...)`);
 * - `class`: the class the layer is an instance of;
 * - `container`: an attribute the layer lives under (`self.blocks = nn.ModuleList(...)`);
 * - `string`: a string literal holding the layer id or one of its ONNX node or tensor names;
 * - `configKey`: a JSON/YAML key whose key path ends like the layer id.
 */
export type LinkKind = 'source' | 'attribute' | 'class' | 'container' | 'string' | 'configKey';

/** One layer an anchor names. A higher score is a more specific link. */
export interface LayerLink {
  anchor: Anchor;
  layerId: string;
  kind: LinkKind;
  score: number;
}

/** A layer of one checkpoint, as an anchor refers to it. */
export interface LayerRef {
  modelPath: string;
  layerId: string;
  kind: LinkKind;
  score: number;
}

/** An anchor and every layer (of every checkpoint) it names. */
export interface AnchorLinks {
  anchor: Anchor;
  layers: LayerRef[];
}
