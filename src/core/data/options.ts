/** Options for loading model inputs, shared by every reader behind `loadInputs`. */
import type { PreprocessConfig } from './preprocess';

/** How text becomes samples (see `loadText`). */
export interface TextOptions {
  /**
   * 'lines' (default): one sample per non-empty line, surrounding whitespace trimmed.
   * 'whole': the whole text (e.g. an editor selection) is one sample.
   */
  split?: 'lines' | 'whole';
  /** Apply the tokenizer's post-processor (e.g. [CLS] … [SEP]); default true, as Hugging Face does. */
  addSpecialTokens?: boolean;
  /**
   * Sequence length to pad/truncate to when the model's sequence axis is symbolic. Without it,
   * samples are padded to the longest one. A static model length always wins.
   */
  sequenceLength?: number;
  /** Largest tokenizer or text file accepted, in bytes (default 4 GiB). */
  maxBytes?: number;
}

/** How synthetic inputs are drawn (see `syntheticInputs`). */
export interface SyntheticOptions {
  /** Number of samples (default 16). */
  count?: number;
  /** PRNG seed, an unsigned 32-bit integer (default 0). */
  seed?: number;
  /** Integer inputs are drawn uniformly from [0, vocab) (default 100). */
  vocab?: number;
  /** Float inputs: 'uniform' on [0, 1) (default) or 'normal' (mean 0, std 1). */
  distribution?: 'uniform' | 'normal';
}

export interface LoadOptions {
  /** Largest input file accepted, in bytes (default 4 GiB); larger ones fail with FILE_TOO_LARGE. */
  maxBytes?: number;
  /**
   * Accept NaN and ±Inf in float inputs. Off by default: non-finite values are reported as an
   * error naming the input and the first bad element. Turn it on to study how NaN routes.
   */
  allowNonFinite?: boolean;
  /**
   * Sizes of symbolic dimensions by name, e.g. { sequence: 24 }. Used for synthetic inputs and as
   * the text sequence length. A symbolic first dimension is the sample axis and needs no entry.
   */
  dims?: Record<string, number>;
  /** The model file: its sidecar `<model>.preprocess.json` configures image preprocessing. */
  modelPath?: string;
  /** Image preprocessing; takes precedence over the sidecar file. */
  preprocess?: PreprocessConfig;
  /**
   * Class names, index = label. Images inside a sub-folder named like a class get that label
   * (the torchvision ImageFolder convention), unless the folder has a labels.json.
   */
  classNames?: string[];
  /** tokenizer.json to use for text files (.txt). */
  tokenizer?: string;
  /** How text files become samples. */
  text?: TextOptions;
  /** How synthetic inputs are drawn when no data path is given. */
  synthetic?: SyntheticOptions;
}
