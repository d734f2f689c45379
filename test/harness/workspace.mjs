// The throwaway workspace folder both editor tiers open: the bundled demo checkpoint, a small
// PyTorch-style model file to have a text editor beside the panel, a text model with text to
// analyse, and workspace settings.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, scratchDir } from './support.mjs';

export const DEMO_MODEL_NAME = 'softmoe_vit.onnx';

/** Path of the bundled demo checkpoint inside the repository. */
export function demoModelPath() {
  const path = join(repoRoot, 'media', 'demo', DEMO_MODEL_NAME);
  if (!existsSync(path)) {
    throw new Error(
      `the demo checkpoint ${path} is missing; regenerate it with the fixture script (test/fixtures)`,
    );
  }
  return path;
}

const MODEL_PY = `"""A Soft MoE vision transformer like the one exported to ${DEMO_MODEL_NAME}."""
import torch
from torch import nn


class SoftMoE(nn.Module):
    def __init__(self, dim: int, experts: int, slots: int):
        super().__init__()
        self.phi = nn.Parameter(torch.randn(dim, experts * slots) / dim**0.5)
        self.experts = nn.ModuleList(nn.Linear(dim, dim) for _ in range(experts))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = x @ self.phi
        dispatch = logits.softmax(dim=1)
        combine = logits.softmax(dim=2)
        return combine @ (dispatch.transpose(1, 2) @ x)
`;

const NOTICE_TXT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files, to deal in the Software without restriction.
This program is free software; you can redistribute it and/or modify it.
`;

/**
 * Creates the workspace under the temp folder and returns `{ folder, modelPath, dispose() }`.
 * `settings` become the folder's .vscode/settings.json. Unless they say otherwise, .onnx files open
 * in VS Code's own editor there, so that suites about other features have one webview (their
 * panel) to find; the model view's suites set `workbench.editorAssociations` themselves.
 */
export function createTestWorkspace({ settings = {} } = {}) {
  settings = { 'workbench.editorAssociations': { '*.onnx': 'default' }, ...settings };
  const scratch = scratchDir('moe-scope-workspace-');
  const folder = scratch.path;
  const modelPath = join(folder, DEMO_MODEL_NAME);
  copyFileSync(demoModelPath(), modelPath);
  writeFileSync(join(folder, 'model.py'), MODEL_PY);
  // A text model with its tokenizer, and text to analyse: for editor decorations of routed tokens.
  const text = join(folder, 'text');
  mkdirSync(text);
  for (const name of ['text_topk.onnx', 'text_topk.tokenizer.json', 'text_topk.tokenizer_config.json']) {
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'models', name), join(text, name));
  }
  writeFileSync(join(text, 'notice.txt'), NOTICE_TXT);
  mkdirSync(join(folder, '.vscode'));
  writeFileSync(join(folder, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return {
    folder,
    modelPath,
    dispose: () => scratch.dispose(),
  };
}
