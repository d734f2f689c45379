/**
 * Image inputs: the image, its patches coloured by the expert each token goes to most, and maps of
 * routing weights over the patch grid: for Soft MoE each slot's dispatch weights (or each expert's,
 * its slots summed), as in the Soft MoE paper's figures; for top-k and expert choice each expert's
 * router probability.
 */
import type { InputImage, ReportLayer, SampleLayer } from '../../src/core/report/types';
import { colorFor } from '../heatmap';
import { Legend } from '../heatmap/legend';
import { el } from '../shared/dom';
import { displayWidth, pixelCanvas, sheet, type SheetItem } from './canvasImage';
import { select } from './controls';
import { matrixCsv } from './csv';
import { cssColor, expertColor } from './expertColors';
import { figure, note } from './figure';
import { num, sampleText } from './format';
import { blendPatches, imageRgba } from './imageOverlay';
import { inferPatchGrid, type PatchGrid } from './patchGrid';
import { expertMass, floatValues, topExperts } from './routing';
import { tokenLabels } from './tokens';
import type { View, ViewContext } from './view';

/** How strongly a patch takes its overlay colour. */
export const EXPERT_ALPHA = 0.55;
export const MAP_ALPHA = 0.65;
const MAP_COLORMAP = 'viridis';
/** At most this many maps are drawn (one per slot can be hundreds). */
const MAX_MAPS = 256;

interface Maps {
  /** tokens × maps weights, row-major. */
  values: Float32Array;
  tokens: number;
  names: string[];
  title: string;
  explain: string;
}

function routingMaps(layer: ReportLayer, detail: SampleLayer, mode: 'slots' | 'experts'): Maps | null {
  const n = layer.experts;
  if (layer.kind === 'soft_moe' && detail.dispatch) {
    const d = detail.dispatch;
    const p = layer.slotsPerExpert ?? Math.max(1, Math.round(d.cols / n));
    if (mode === 'experts' && p * n === d.cols) {
      return {
        values: expertMass(d, n, p),
        tokens: d.rows,
        names: Array.from({ length: n }, (_, i) => `e${i}`),
        title: 'Dispatch weights per expert over the image',
        explain: `Each map is one expert’s dispatch weights (its ${p} slots summed) over the patches.`,
      };
    }
    return {
      values: floatValues(d),
      tokens: d.rows,
      names: Array.from({ length: d.cols }, (_, s) => `s${s} · e${Math.floor(s / p)}`),
      title: 'Dispatch weights per slot over the image',
      explain: 'Each map is one slot’s dispatch weights over the patches: which tokens that slot mixes.',
    };
  }
  if ((layer.kind === 'topk' || layer.kind === 'expert_choice') && detail.probs) {
    return {
      values: floatValues(detail.probs),
      tokens: detail.probs.rows,
      names: Array.from({ length: detail.probs.cols }, (_, e) => `e${e}`),
      title: 'Router probability per expert over the image',
      explain: 'Each map is one expert’s router probability over the patches.',
    };
  }
  return null;
}

function mapsFigure(
  context: ViewContext,
  layer: ReportLayer,
  image: InputImage,
  grid: PatchGrid,
  maps: Maps,
) {
  const count = maps.names.length;
  const shown = Math.min(count, MAX_MAPS);
  // The measured range of the patches' weights: near-uniform dispatch still shows its differences.
  let min = Infinity;
  let max = -Infinity;
  for (let i = grid.offset * count; i < maps.values.length; i++) {
    const v = maps.values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) [min, max] = [0, 1];
  const width = displayWidth(image.width, 96);
  const items: SheetItem[] = [];
  for (let j = 0; j < shown; j++) {
    const rgba = blendPatches(
      image,
      grid,
      (t) => colorFor(maps.values[t * count + j]!, min, max, MAP_COLORMAP),
      MAP_ALPHA,
    );
    const classWeight = grid.offset > 0 ? ` · class token ${num(maps.values[j]!)}` : '';
    const canvas = pixelCanvas(
      rgba,
      image.width,
      image.height,
      width,
      `${layer.id} ${maps.names[j]}${classWeight}`,
    );
    canvas.dataset.map = maps.names[j]!.split(' ')[0]!;
    items.push({ canvas, caption: maps.names[j]! });
  }
  const legend = new Legend(MAP_COLORMAP, 'linear');
  legend.update(min, max, false);
  const mapGrid = el(
    'div',
    { class: 'map-grid' },
    ...items.map((item) => el('figure', { class: 'map' }, item.canvas, el('figcaption', {}, item.caption))),
  );
  const sampleName = `s${context.sample!.index}`;
  const modeSelect =
    layer.kind === 'soft_moe' && (layer.slotsPerExpert ?? 1) > 1
      ? select(
          'Maps',
          [
            { value: 'slots', text: 'One per slot' },
            { value: 'experts', text: 'One per expert' },
          ],
          context.state.maps,
          (value) => context.setState({ maps: value === 'experts' ? 'experts' : 'slots' }),
          'maps-mode',
        ).element
      : null;
  return figure(
    context.exporter,
    maps.title,
    {
      name: [layer.id, `maps-${context.state.maps}`, sampleName],
      png: () => sheet(items, 8, Math.max(width, 96), mapGrid),
      csv: () =>
        matrixCsv(
          maps.values,
          maps.tokens,
          count,
          tokenLabels(context.sample, maps.tokens),
          maps.names,
          'token',
        ),
    },
    modeSelect,
    mapGrid,
    legend.element,
    note(
      maps.explain +
        (shown < count ? ` The first ${shown} of ${count} are drawn; the CSV has all.` : '') +
        ` Colours: ${MAP_COLORMAP} over the measured range [${num(min)}, ${num(max)}], blended with the image.`,
    ),
  );
}

export function imageView(context: ViewContext, image: InputImage): View {
  const { layer, sample } = context;
  const detail = layer && sample?.layers[layer.id];
  const width = displayWidth(image.width, 192);
  const input = pixelCanvas(
    imageRgba(image),
    image.width,
    image.height,
    width,
    `Input ${sampleText(sample!)}`,
  );
  input.dataset.map = 'input';
  const items: SheetItem[] = [{ canvas: input, caption: 'input' }];
  const parts: (HTMLElement | null)[] = [];
  const top = layer && topExperts(layer, detail);
  const grid = top && inferPatchGrid(top.expert.length, image.height, image.width);
  if (layer && top && grid) {
    const n = top.experts;
    const overlay = pixelCanvas(
      blendPatches(
        image,
        grid,
        (t) => (top.expert[t]! >= 0 ? expertColor(top.expert[t]!, n) : null),
        EXPERT_ALPHA,
      ),
      image.width,
      image.height,
      width,
      `Patches coloured by top expert, ${layer.id}`,
    );
    overlay.dataset.map = 'top-expert';
    items.push({ canvas: overlay, caption: `top expert · ${layer.id}` });
    const counts = new Array<number>(n).fill(0);
    for (let t = grid.offset; t < top.expert.length; t++) if (top.expert[t]! >= 0) counts[top.expert[t]!]!++;
    parts.push(
      el(
        'ul',
        { class: 'expert-legend', 'aria-label': 'Patches per top expert' },
        ...counts.map((c, e) => {
          const swatch = el('span', { class: 'swatch' });
          swatch.style.background = cssColor(expertColor(e, n));
          return el('li', {}, swatch, `e${e}: ${c} patch${c === 1 ? '' : 'es'}`);
        }),
      ),
    );
  }
  const inputFigure = figure(
    context.exporter,
    'Input',
    { name: [layer?.id ?? 'input', 'input', `s${sample!.index}`], png: () => sheet(items, 2, width, input) },
    el('p', { class: 'muted' }, sampleText(sample!)),
    el('div', { class: 'image-row' }, ...items.map((i) => i.canvas)),
    ...parts,
    layer && top && !grid
      ? note(
          `${top.expert.length} tokens do not form a patch grid on a ${image.height} × ${image.width} image.`,
        )
      : null,
    layer?.kind === 'soft_moe'
      ? note('A patch’s top expert is the expert whose slots receive most of its combine weight.')
      : null,
  );
  const maps = layer && detail && grid ? routingMaps(layer, detail, context.state.maps) : null;
  const mapFigure = maps && layer && grid ? mapsFigure(context, layer, image, grid, maps) : null;
  const smearNote =
    layer?.kind === 'smear'
      ? note('SMEAR routes the whole example, not its patches: see the Routing view.')
      : null;
  return { element: el('div', { class: 'view inputs' }, inputFigure, mapFigure, smearNote), dispose() {} };
}
