/**
 * Hugging Face tokenizers from a `tokenizer.json`, run by @huggingface/tokenizers (pure JS).
 *
 * The library takes the tokenizer.json object plus the tokenizer_config.json object. In the
 * Hugging Face layout (a file named `tokenizer.json` with a `tokenizer_config.json` beside it)
 * that config is used; in any case missing entries are derived from tokenizer.json itself: its
 * model's unk_token (which WordLevel models need to map unknown words) and its padding token.
 * WordLevel models run through the library's Legacy model: a plain vocabulary lookup.
 *
 * The padding id is, in order: tokenizer.json's `padding.pad_id`, the id of the config's
 * `pad_token`, the id of a conventional pad token ([PAD], <pad>, <|pad|>, <PAD>), else 0.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MoeScopeError } from '../errors';
import { DEFAULT_MAX_BYTES, readTextFile } from './readFile';

const CONVENTIONAL_PAD = ['[PAD]', '<pad>', '<|pad|>', '<PAD>'];

export interface TextTokenizer {
  /** Token ids and their strings for one text. */
  encode(text: string, addSpecialTokens: boolean): { ids: number[]; tokens: string[] };
  padId: number;
  /** The string of the padding token, '' when the vocabulary has none. */
  padToken: string;
}

function invalid(path: string, problem: string): MoeScopeError {
  return new MoeScopeError(
    'BAD_REQUEST',
    `${path} is not a usable tokenizer.json: ${problem}.`,
    'Use the tokenizer.json saved with the model (tokenizer.save_pretrained or Tokenizer.save).',
  );
}

/** A special-token entry of tokenizer_config.json: a string or an AddedToken object. */
function tokenString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

async function readJson(path: string, maxBytes: number): Promise<unknown> {
  const text = await readTextFile(path, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(path, `it is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Hugging Face's Whitespace pre-tokenizer splits on `\w+|[^\w\s]+` with Unicode word characters
 * ("café" is one word); the JavaScript library runs that pattern without the `u` flag, where `\w`
 * is ASCII only, and splits "café" into "caf" + "é". Each Whitespace pre-tokenizer (also inside a
 * Sequence) becomes the same split over Unicode classes, which the library compiles with `u`.
 */
const UNICODE_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}';
const UNICODE_WHITESPACE = {
  type: 'Split',
  pattern: { Regex: `[${UNICODE_WORD}]+|[^${UNICODE_WORD}\\s]+` },
  behavior: 'Isolated',
  invert: true,
};

export function unicodeWhitespace(preTokenizer: unknown): unknown {
  if (!preTokenizer || typeof preTokenizer !== 'object') return preTokenizer;
  const spec = preTokenizer as { type?: unknown; pretokenizers?: unknown };
  if (spec.type === 'Whitespace') return UNICODE_WHITESPACE;
  if (spec.type === 'Sequence' && Array.isArray(spec.pretokenizers))
    return { ...spec, pretokenizers: spec.pretokenizers.map(unicodeWhitespace) };
  return preTokenizer;
}

/** Loads `tokenizer.json` (and a sibling tokenizer_config.json when present). */
export async function loadTokenizer(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<TextTokenizer> {
  const json = await readJson(path, maxBytes);
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw invalid(path, 'it is not a JSON object');
  const spec = json as Record<string, unknown>;
  const model = spec.model as Record<string, unknown> | undefined;
  if (!model || typeof model !== 'object' || !model.vocab)
    throw invalid(path, 'it has no model with a vocab');
  const configPath = join(dirname(path), 'tokenizer_config.json');
  const rawConfig =
    basename(path) === 'tokenizer.json' && existsSync(configPath) ? await readJson(configPath, maxBytes) : {};
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((rawConfig ?? {}) as Record<string, unknown>)) {
    config[key] = key.endsWith('_token') ? (tokenString(value) ?? value) : value;
  }
  if (config.unk_token === undefined && typeof model.unk_token === 'string')
    config.unk_token = model.unk_token;
  const padding = spec.padding as { pad_id?: unknown; pad_token?: unknown } | null | undefined;
  if (config.pad_token === undefined && typeof padding?.pad_token === 'string')
    config.pad_token = padding.pad_token;

  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(
      {
        normalizer: null,
        post_processor: null,
        decoder: null,
        ...spec,
        pre_tokenizer: unicodeWhitespace(spec.pre_tokenizer ?? null),
        added_tokens: spec.added_tokens ?? [],
      },
      config,
    );
  } catch (error) {
    throw invalid(path, (error as Error).message);
  }

  let padId: number | undefined = typeof padding?.pad_id === 'number' ? padding.pad_id : undefined;
  if (padId === undefined && typeof config.pad_token === 'string')
    padId = tokenizer.token_to_id(config.pad_token);
  for (const candidate of CONVENTIONAL_PAD) padId ??= tokenizer.token_to_id(candidate);
  padId ??= 0;
  const padToken = tokenizer.id_to_token(padId) ?? '';

  return {
    padId,
    padToken,
    encode(text, addSpecialTokens) {
      const encoding = tokenizer.encode(text, { add_special_tokens: addSpecialTokens });
      const missing = encoding.ids.findIndex((id) => typeof id !== 'number');
      if (missing >= 0) {
        throw new MoeScopeError(
          'BAD_REQUEST',
          `token '${encoding.tokens[missing]}' is not in the vocabulary of ${path}, which has no unknown-token fallback.`,
          'Give the tokenizer an unk_token, or remove the word from the text.',
        );
      }
      return { ids: encoding.ids, tokens: encoding.tokens };
    },
  };
}
