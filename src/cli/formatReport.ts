/** Renders a report as the per-layer table `moe-scope analyze` prints. */
import type { LayerSummary } from '../core/analysis/types';
import type { Report, ReportLayer } from '../core/report/types';
import type { Specialization } from '../core/specialization/types';

function entropyOf(summary: LayerSummary): number {
  return summary.kind === 'soft_moe' ? summary.combineEntropy : summary.routingEntropy;
}

function topExperts(load: number[], count = 3): string {
  return load
    .map((share, expert) => ({ share, expert }))
    .sort((a, b) => b.share - a.share)
    .slice(0, count)
    .map(({ share, expert }) => `${expert} (${(share * 100).toFixed(1)}%)`)
    .join(', ');
}

function shapeOf(layer: ReportLayer): string {
  if (layer.kind === 'soft_moe') return `${layer.experts}×${layer.slotsPerExpert} slots`;
  if (layer.kind === 'topk') return `${layer.experts}, k=${layer.k}`;
  if (layer.kind === 'expert_choice') return `${layer.experts}, c=${layer.capacity}`;
  return `${layer.experts}`;
}

/** Left-aligned text columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatReport(report: Report): string {
  const name = report.model.path.split(/[\\/]/).pop();
  const lines = [
    `${name}: ${report.samples} samples from ${report.inputs.source} on ${report.provider} ` +
      `(${report.timing.samplesPerSecond.toFixed(0)} samples/s)`,
  ];
  if (report.accuracy !== undefined)
    lines.push(`accuracy ${(report.accuracy * 100).toFixed(1)}% against the labels`);
  lines.push(
    '',
    table(
      ['layer', 'kind', 'experts', 'tokens', 'entropy', 'cv', 'switch', 'top experts by load'],
      report.layers.map((layer) => [
        layer.id,
        layer.kind,
        shapeOf(layer),
        String(layer.tokens),
        entropyOf(layer.summary).toFixed(3),
        layer.summary.balance.cv.toFixed(3),
        layer.summary.balance.switchAux.toFixed(3),
        topExperts(layer.summary.expertLoad),
      ]),
    ),
  );
  if (report.specialization) lines.push('', ...formatSpecialization(report.specialization));
  for (const note of [...report.providerNotes, ...report.warnings]) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function formatSpecialization(s: Specialization): string[] {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const metric = s.baseline.accuracy !== undefined ? 'accuracy' : 'agreement';
  const lines = [
    `specialization (Algorithm 1, ${s.subsets} subsets, ${s.renormalized ? 'dropped logits −∞, combine renormalised' : 'dropped experts zeroed, other weights not renormalised'}) on ${s.inputs} inputs; ` +
      `full model ${metric} ${s.baseline.accuracy !== undefined ? pct(s.baseline.accuracy) : '100%'}`,
    '',
    table(
      ['layers', 'keep', 'k', `ranked ${metric}`, `random ${metric} (mean ± std)`, 'KL ranked', 'KL random'],
      s.fractions.map((f) => [
        f.layer,
        f.fraction,
        String(f.k),
        pct(f.ranked),
        `${pct(f.random)} ± ${pct(f.randomStd)}`,
        f.rankedKl.toFixed(4),
        f.randomKl.toFixed(4),
      ]),
    ),
  ];
  for (const [layer, search] of Object.entries(s.optimal ?? {})) {
    const mean = search.gap.length ? search.gap.reduce((a, b) => a + b, 0) / search.gap.length : 0;
    lines.push(
      `${layer}: ranked smallest k exceeds the exhaustive optimum by ${mean.toFixed(2)} experts on average`,
    );
  }
  for (const note of s.notes) lines.push(`note: ${note}`);
  return lines;
}
