/**
 * Text inputs: the sample's tokens coloured by their top expert, one row per layer (as Mixtral's
 * paper shows routing), with each layer's repeat rate: how often neighbouring tokens share their
 * top expert, against what independent choices with the same expert shares would give.
 */
import type { SampleDetail } from '../../src/core/report/types';
import { el } from '../shared/dom';
import { matrixCsv } from './csv';
import { cssColor, expertColor, textOn } from './expertColors';
import { figure, note } from './figure';
import { num, percent, sampleText } from './format';
import { repeatRate, topExperts, type TopExperts } from './routing';
import type { View, ViewContext } from './view';

/** A bracketed special token ([PAD], <pad>, <|endoftext|>…): trailing runs of one are folded. */
const SPECIAL = /^(\[[^\]]*\]|<[^>]*>)$/;

/** How many tokens to draw: trailing repeats of one special token (padding) are folded into a count. */
export function shownTokens(tokens: readonly string[]): number {
  let end = tokens.length;
  const last = tokens[end - 1];
  if (last === undefined || !SPECIAL.test(last)) return end;
  while (end > 0 && tokens[end - 1] === last) end--;
  return tokens.length - end >= 2 ? end : tokens.length;
}

/** Σ fᵢ²: the chance two independent tokens with expert shares f share their top expert. */
function independentRepeat(expert: Int32Array, count: number, experts: number): number {
  const counts = new Array<number>(experts).fill(0);
  let total = 0;
  for (let t = 0; t < count; t++) {
    if (expert[t]! >= 0) {
      counts[expert[t]!]!++;
      total++;
    }
  }
  return total ? counts.reduce((s, c) => s + (c / total) ** 2, 0) : NaN;
}

interface Row {
  layer: string;
  top: TopExperts;
}

/** A sheet of the coloured token rows, for PNG export. */
function tokenSheet(
  rows: readonly Row[],
  tokens: readonly string[],
  count: number,
  themed: Element,
): HTMLCanvasElement {
  const style = getComputedStyle(themed);
  const fontSize = parseFloat(style.fontSize) || 13;
  const font = `${fontSize}px ${style.fontFamily || 'sans-serif'}`;
  const width = 960;
  const pad = 12;
  const line = Math.round(fontSize * 1.9);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d')!;
  ctx.font = font;
  const label = Math.min(220, Math.max(...rows.map((r) => ctx.measureText(r.layer).width)) + 16);
  // Lay out first (to know the height), then draw.
  const placed: { x: number; y: number; w: number; text: string; row: number; t: number }[] = [];
  let y = pad;
  rows.forEach((_row, r) => {
    let x = pad + label;
    for (let t = 0; t < count; t++) {
      const text = tokens[t] || '∅';
      const w = ctx.measureText(text).width + 8;
      if (x + w > width - pad && x > pad + label) {
        x = pad + label;
        y += line;
      }
      placed.push({ x, y, w, text, row: r, t });
      x += w + 3;
    }
    y += line + 8;
  });
  canvas.width = width;
  canvas.height = y + pad;
  ctx.fillStyle = style.getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = font;
  ctx.textBaseline = 'middle';
  let rowY = -1;
  for (const p of placed) {
    const row = rows[p.row]!;
    if (p.t === 0 && p.y !== rowY) {
      rowY = p.y;
      ctx.fillStyle = style.color || '#000000';
      ctx.fillText(row.layer, pad, p.y + line / 2 - 2, label - 12);
    }
    const e = row.top.expert[p.t]!;
    const colour = e >= 0 ? expertColor(e, row.top.experts) : null;
    ctx.fillStyle = colour ? cssColor(colour) : 'transparent';
    ctx.fillRect(p.x, p.y, p.w, line - 6);
    ctx.fillStyle = colour ? textOn(colour) : style.color || '#000000';
    ctx.fillText(p.text, p.x + 4, p.y + line / 2 - 2);
  }
  return canvas;
}

export function textView(context: ViewContext, sample: SampleDetail, tokens: readonly string[]): View {
  const rows: Row[] = [];
  for (const layer of context.report.layers) {
    const top = topExperts(layer, sample.layers[layer.id]);
    if (top && top.expert.length === tokens.length) rows.push({ layer: layer.id, top });
  }
  const count = shownTokens(tokens);
  const folded = tokens.length - count;
  const lines = rows.map((row) => {
    const chips = Array.from({ length: count }, (_, t) => {
      const e = row.top.expert[t]!;
      const text = tokens[t] || '∅';
      const chip = el('span', { class: 'token' }, text);
      if (e >= 0) {
        const colour = expertColor(e, row.top.experts);
        chip.style.background = cssColor(colour);
        chip.style.color = textOn(colour);
      }
      chip.title = `token ${t} “${tokens[t]}” → e${e} (${num(row.top.weight[t])})`;
      return chip;
    });
    if (folded > 0) chips.push(el('span', { class: 'token folded' }, `… ${folded} × ${tokens[count]}`));
    const rate = repeatRate(row.top.expert, count);
    const chance = independentRepeat(row.top.expert, count, row.top.experts);
    const head = el('button', { class: 'link', type: 'button', title: `Select ${row.layer}` }, row.layer);
    head.addEventListener('click', () => context.selectLayer(row.layer));
    const selected = row.layer === context.state.layer;
    return el(
      'div',
      {
        class: `token-row${selected ? ' selected' : ''}`,
        role: 'group',
        'aria-label': `${row.layer}: tokens by top expert`,
      },
      el(
        'div',
        { class: 'token-row-head' },
        head,
        el('span', { class: 'muted' }, `repeat ${percent(rate, 0)} (independent ${percent(chance, 0)})`),
      ),
      el('div', { class: 'tokens' }, ...chips),
    );
  });
  const experts = Math.max(0, ...rows.map((r) => r.top.experts));
  const legend = el(
    'ul',
    { class: 'expert-legend', 'aria-label': 'Expert colours' },
    ...Array.from({ length: experts }, (_, e) => {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = cssColor(expertColor(e, experts));
      return el('li', {}, swatch, `e${e}`);
    }),
  );
  const body = el('div', { class: 'token-rows' }, ...lines);
  const element = figure(
    context.exporter,
    'Tokens by top expert',
    rows.length
      ? {
          name: ['tokens', `s${sample.index}`],
          png: () => tokenSheet(rows, tokens, count, body),
          csv: () => {
            const values = new Float32Array(rows.length * tokens.length);
            rows.forEach((row, r) =>
              row.top.expert.forEach((e, t) => (values[r * tokens.length + t] = e < 0 ? NaN : e)),
            );
            return matrixCsv(
              values,
              rows.length,
              tokens.length,
              rows.map((r) => r.layer),
              tokens.map((w, t) => `${t} ${w}`),
              'layer \\ token',
            );
          },
        }
      : null,
    el('p', { class: 'muted' }, sampleText(sample)),
    legend,
    body,
    rows.length === 0 ? note('No layer kept per-token routing for this sample.') : null,
    note(
      'Each token takes the colour of its top expert (Soft MoE: most combine weight; top-k: first choice). ' +
        'Repeat: share of neighbouring tokens with the same top expert.',
    ),
  );
  return { element: el('div', { class: 'view inputs' }, element), dispose() {} };
}
