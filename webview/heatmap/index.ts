/**
 * MoE Scope's heatmap renderer: `renderHeatmap(container, options)` draws a matrix on a canvas and
 * returns a handle; `colorFor` is the pure value-to-colour function the renderer uses.
 */
export { renderHeatmap } from './heatmap';
export { colorFor, NAN_RGBA } from './colorScale';
export { COLORMAP_NAMES } from './colormaps';
export type {
  AxisGroups,
  CellBox,
  ColormapName,
  HeatmapCell,
  HeatmapHandle,
  HeatmapOptions,
  Rgba,
  ScaleName,
} from './types';
