/**
 * Per-token routing of text samples, and where each token sits in the text it came from, so editors
 * can colour the analysed text by expert. Tokens are found by a forward search of their surface
 * form; special tokens ([CLS], <pad>…) and tokens that cannot be found are skipped, never guessed.
 */
import type { SampleLayer } from './types';

export interface TokenSpan {
  /** Index of the token in the sample. */
  token: number;
  /** Character offsets in the sample's text, [start, end). */
  start: number;
  end: number;
  text: string;
}

export interface TokenExperts {
  /** Experts in order of weight, highest first, with their router probability. */
  experts: { expert: number; weight: number }[];
}

const SPECIAL = /^(\[[A-Z]+\]|<\/?[a-z]+>|<\|[^|]*\|>)$/;

/** Surface text of a token: word-piece and byte-level markers removed. */
function surface(token: string): string {
  return token.replace(/^##/, '').replace(/^[Ġ▁]/, '');
}

/** Locates the sample's tokens in its text, case-insensitively and in order. */
export function locateTokens(tokens: readonly string[], text: string): TokenSpan[] {
  const haystack = text.toLowerCase();
  const spans: TokenSpan[] = [];
  let cursor = 0;
  tokens.forEach((token, index) => {
    if (SPECIAL.test(token)) return;
    const needle = surface(token).toLowerCase();
    if (!needle) return;
    const at = haystack.indexOf(needle, cursor);
    // A token far ahead of the cursor is a tokenizer normalisation we cannot follow: skip it.
    if (at < 0 || at - cursor > 64) return;
    spans.push({
      token: index,
      start: at,
      end: at + needle.length,
      text: text.slice(at, at + needle.length),
    });
    cursor = at + needle.length;
  });
  return spans;
}

/** The experts of one token of a sample's layer detail, highest weight first (top-k or all). */
export function tokenExperts(layer: SampleLayer, token: number, limit = 4): TokenExperts {
  const probs = layer.probs;
  if (!probs || token >= probs.rows) return { experts: [] };
  const row = Array.from(probs.data.subarray(token * probs.cols, (token + 1) * probs.cols));
  const chosen = layer.topk
    ? Array.from(layer.topk.data.subarray(token * layer.topk.cols, (token + 1) * layer.topk.cols))
    : row.map((_, i) => i);
  const experts = chosen
    .map((expert) => ({ expert, weight: row[expert] ?? NaN }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, limit);
  return { experts };
}
