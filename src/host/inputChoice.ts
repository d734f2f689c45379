/**
 * What a run feeds the model: a data file, the bundled demo set, editor text, images or synthetic
 * inputs. Kept with the panel so "Analyze again" reuses it and text runs can be decorated.
 */
export interface TextSource {
  /** The document the text came from. */
  uri: string;
  /** Each sample's range in that document, as character offsets [start, end). */
  samples: { start: number; end: number }[];
}

export interface InputChoice {
  /** Shown in the panel and the progress notification. */
  label: string;
  inputsPath?: string;
  tokenizerPath?: string;
  textSplit?: 'lines' | 'whole';
  text?: TextSource;
}

/** How a caller (a test, another extension) names inputs without a quick pick. */
export type InputRequest =
  | { kind: 'demo' }
  | { kind: 'file'; path: string }
  | { kind: 'selection' }
  | { kind: 'editor' }
  | { kind: 'synthetic' };

export function isInputRequest(value: unknown): value is InputRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'demo':
    case 'selection':
    case 'editor':
    case 'synthetic':
      return true;
    case 'file':
      return typeof v.path === 'string' && v.path.length > 0;
    default:
      return false;
  }
}

/** Non-empty trimmed lines of a text with their offsets: the samples of a 'lines' text run. */
export function lineSamples(text: string, base = 0): { start: number; end: number }[] {
  const samples: { start: number; end: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const body = line.replace(/\r$/, '');
    const lead = body.length - body.trimStart().length;
    const trimmed = body.trim();
    if (trimmed.length > 0)
      samples.push({ start: base + offset + lead, end: base + offset + lead + trimmed.length });
    offset += line.length + 1;
  }
  return samples;
}
