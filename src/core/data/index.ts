/** MoE Scope's input data layer: everything the engine and the CLI need to feed a model. */
export type { InputSet } from './inputSet';
export { inputSetAs, inputSetFromTensors } from './inputSet';
export type { LoadOptions, SyntheticOptions, TextOptions } from './options';
export type { PreprocessConfig } from './preprocess';
export { loadPreprocess, resolvePreprocess, sidecarPath } from './preprocess';
export { loadInputs } from './load';
export { loadImages } from './images';
export { isImagePath } from './imageFolder';
export { loadText, textSamples } from './text';
export { syntheticInputs, resolveSampleShape } from './synthetic';
export { parseNpy } from './npy';
export { readNpz } from './npz';
export { readSafetensors } from './safetensors';
export { parseJsonInputs, tensorFromJson } from './jsonInputs';
export { conformInput, checkAgreement, describeSpec } from './validate';
export { convertsSilently } from './convert';
export { DEFAULT_MAX_BYTES } from './readFile';
