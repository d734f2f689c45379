/**
 * The hover over a layer in model code, as Markdown: per checkpoint, a table of the layers the
 * code names (kind, experts × slots or k, balance, entropy, top experts), their expert load as a
 * small heatmap, the specialization curve when the report has one, and command links. It reads
 * the report only; nothing here runs a model.
 */
import type { Report, ReportLayer } from '../report/types';
import { entropyOf, fixed, kindName, percent, topExperts } from './layerStats';
import { loadHeatmapSvg, specializationSvg, svgDataUri } from './svgFigures';

export interface HoverEntry {
  report: Report;
  /** The layers of this report the hovered code names, in report order. */
  layers: ReportLayer[];
  /** Whether the checkpoint changed since the analysis; undefined while unknown. */
  stale: boolean | undefined;
}

/** Builds command URIs: the host knows how commands take their arguments. */
export interface HoverCommands {
  reveal(modelPath: string, layerId: string): string;
  analyze(modelPath: string): string;
}

/** What the specialization figure plots, in words. */
const METRIC_TEXT: Record<string, string> = {
  accuracy: 'accuracy against the labels',
  agreement: "agreement with the full model's predictions",
  KL: 'KL(full ‖ kept) in nats, lower is closer to the full model (accuracy is the same for both here)',
};

// Figures depend only on the report: drawn once per report, whatever document version hovers them.
const figures = new WeakMap<Report, Map<string, unknown>>();

function figure<T>(report: Report, key: string, draw: () => T): T {
  let cache = figures.get(report);
  if (!cache) figures.set(report, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, draw());
  return cache.get(key) as T;
}

/** Tables stop here; the heatmap and the panel show every layer. */
export const MAX_ROWS = 16;
const MAX_FIGURES = 2;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Hovers are narrow: keep short phrases such as `Soft MoE` and `7 (12.9%)` on one line. */
function nowrap(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The experts column, compact for a hover: `8 × 2 slots`, `8, k = 2`, `8, capacity 4`, `8`. */
export function expertsCell(layer: ReportLayer): string {
  if (layer.kind === 'soft_moe' && layer.slotsPerExpert !== undefined) {
    return `${layer.experts} × ${layer.slotsPerExpert} slot${layer.slotsPerExpert === 1 ? '' : 's'}`;
  }
  if (layer.kind === 'topk' && layer.k !== undefined) return `${layer.experts}, k = ${layer.k}`;
  if (layer.kind === 'expert_choice' && layer.capacity !== undefined) {
    return `${layer.experts}, capacity ${layer.capacity}`;
  }
  return String(layer.experts);
}

function row(layer: ReportLayer, commands: HoverCommands, modelPath: string): string {
  const summary = layer.summary;
  const top = topExperts(summary.expertLoad)
    .map((t) => nowrap(`${t.expert} (${percent(t.share)})`))
    .join(', ');
  const cells = [
    `[\`${cell(layer.id)}\`](${commands.reveal(modelPath, layer.id)} "Open ${cell(layer.id)} in MoE Scope")`,
    nowrap(kindName(layer)),
    nowrap(expertsCell(layer)),
    fixed(summary.balance.cv),
    fixed(summary.balance.switchAux),
    fixed(entropyOf(summary).value),
    top,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** `; balanced: 12.5%` when every layer shown has the same number of experts. */
function balanced(layers: readonly ReportLayer[]): string {
  const n = layers[0]?.experts ?? 0;
  return n > 0 && layers.every((l) => l.experts === n) ? `; balanced: ${percent(1 / n)}` : '';
}

function entrySection(entry: HoverEntry, commands: HoverCommands): string[] {
  const { report, layers } = entry;
  const modelPath = report.model.path;
  const when = report.createdAt.replace('T', ' ').slice(0, 16);
  const first = layers[0];
  const links = [
    first ? `[$(link-external) Open in MoE Scope](${commands.reveal(modelPath, first.id)})` : undefined,
    `[$(refresh) Analyze again](${commands.analyze(modelPath)})`,
  ].filter((l) => l !== undefined);
  // The links come first: a hover with figures scrolls, and they should not scroll away.
  const lines = [
    `**MoE Scope** · \`${baseName(modelPath)}\` · ${report.samples} samples on ${report.provider} · ${when}`,
    '',
    links.join(' · '),
    '',
  ];
  if (entry.stale) {
    lines.push(
      `$(warning) **Stale:** \`${baseName(modelPath)}\` changed since this analysis; these numbers describe the old checkpoint.`,
      '',
    );
  }
  // The heatmap first: every layer at a glance (one pixel row each keeps it small), then numbers.
  const heatmap = figure(report, `load:${layers.map((l) => l.id).join(',')}`, () => {
    const drawn = loadHeatmapSvg(layers.map((l) => ({ label: l.id, values: l.summary.expertLoad })));
    return { ...drawn, uri: svgDataUri(drawn.svg) };
  });
  const which =
    layers.length <= 4
      ? layers.map((l) => l.id).join(', ')
      : `${layers.length} layers (${layers[0]!.id} … ${layers[layers.length - 1]!.id})`;
  lines.push(
    `![Expert load of ${which}](${heatmap.uri})`,
    '',
    `*Expert load (share of routed mass per expert): dark ${percent(heatmap.min)} to bright ${percent(heatmap.max)}${balanced(layers)}*`,
    '',
  );

  const shown = layers.slice(0, MAX_ROWS);
  lines.push(
    '| layer | kind | experts | CV | Switch | entropy | top experts |',
    '|---|---|---|---:|---:|---:|---|',
    ...shown.map((layer) => row(layer, commands, modelPath)),
  );
  if (layers.length > shown.length) lines.push('', `…and ${layers.length - shown.length} more layers.`);
  const soft = shown.some((l) => l.kind === 'soft_moe');
  lines.push(
    '',
    '*CV: coefficient of variation of the load (0 = balanced) · Switch: N·Σ f·P (1 = balanced) · ' +
      `entropy: normalised routing entropy${soft ? ' (Soft MoE: of the combine weights)' : ''}, 0 = one-hot, 1 = uniform*`,
  );

  const curves = shown
    .map((layer) => report.specialization?.curves.find((c) => c.layer === layer.id))
    .filter((c) => c !== undefined)
    .slice(0, MAX_FIGURES);
  for (const curve of curves) {
    const drawn = figure(report, `curve:${curve.layer}`, () => {
      const svg = specializationSvg(curve);
      return { ...svg, uri: svgDataUri(svg.svg) };
    });
    lines.push(
      '',
      `![Specialization of ${curve.layer}](${drawn.uri})`,
      '',
      `*\`${cell(curve.layer)}\`: keeping the k best experts per input (ranked) vs k random ones; ${METRIC_TEXT[drawn.metric] ?? drawn.metric}*`,
    );
  }

  return lines;
}

/** The hover Markdown for the layers of one or more checkpoints. */
export function hoverMarkdown(entries: readonly HoverEntry[], commands: HoverCommands): string {
  return entries
    .filter((e) => e.layers.length > 0)
    .map((e) => entrySection(e, commands).join('\n'))
    .join('\n\n---\n\n');
}
