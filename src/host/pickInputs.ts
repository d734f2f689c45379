/**
 * Chooses the inputs of a run: the bundled Fashion-MNIST set (for 28×28 grey-image models), the
 * editor's selection or file (text models with a tokenizer), a workspace data file, images, or
 * synthetic inputs generated from the model's input spec.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { ModelSummary } from '../core/onnx/types';
import { Config } from './config';
import { InputChoice, InputRequest, lineSamples } from './inputChoice';

const DATA_GLOB = '**/*.{npy,npz,safetensors,txt}';
const IGNORED = '{**/node_modules/**,**/.git/**,**/.cache/**}';

export function demoInputs(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media', 'demo', 'fashion-mnist-test.npz');
}

function isTextModel(summary: ModelSummary): boolean {
  return summary.inputs.some((i) => i.dtype === 'int64' || i.dtype === 'int32');
}

/** A single grey 28×28 image input: what the bundled Fashion-MNIST set fits. */
function fitsDemo(summary: ModelSummary): boolean {
  if (summary.inputs.length !== 1) return false;
  const [input] = summary.inputs;
  const dims = (input!.shape ?? []).slice(-3);
  return (
    input!.dtype === 'float32' && dims.length === 3 && dims.map((d) => String(d)).join(',') === '1,28,28'
  );
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await fs.access(uri.fsPath);
    return true;
  } catch {
    return false;
  }
}

/** The tokenizer for a text model: the setting, `<model>.tokenizer.json`, or tokenizer.json beside it. */
export async function findTokenizer(model: vscode.Uri, config: Config): Promise<vscode.Uri | undefined> {
  if (config.tokenizer) return config.tokenizer;
  const base = model.path.replace(/\.onnx$/i, '');
  const candidates = [
    model.with({ path: `${base}.tokenizer.json` }),
    vscode.Uri.joinPath(model, '..', 'tokenizer.json'),
  ];
  for (const candidate of candidates) if (await exists(candidate)) return candidate;
  return undefined;
}

/** Writes editor text to a file the engine can read (it never sees the editor's buffer). */
async function textFile(storage: vscode.Uri, text: string): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(storage, 'inputs');
  await vscode.workspace.fs.createDirectory(folder);
  const file = vscode.Uri.joinPath(folder, `editor-text-${Date.now()}.txt`);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
  return file;
}

export interface InputContext {
  model: vscode.Uri;
  summary: ModelSummary;
  config: Config;
  extensionUri: vscode.Uri;
  /** Where editor text is written for the engine. */
  storage: vscode.Uri;
}

async function editorText(ctx: InputContext, whole: boolean): Promise<InputChoice | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('MoE Scope: open the text to analyse in an editor first.');
    return undefined;
  }
  const tokenizer = await findTokenizer(ctx.model, ctx.config);
  if (!tokenizer) {
    void vscode.window.showErrorMessage(
      'MoE Scope: this text model needs a tokenizer.json. Put one next to the model (<model>.tokenizer.json) or set moeScope.tokenizer.',
    );
    return undefined;
  }
  const doc = editor.document;
  const name = doc.uri.path.split('/').pop();
  if (whole || editor.selection.isEmpty) {
    const text = doc.getText();
    return {
      label: `${name} (one sample per line)`,
      inputsPath: (await textFile(ctx.storage, text)).fsPath,
      tokenizerPath: tokenizer.fsPath,
      textSplit: 'lines',
      text: { uri: doc.uri.toString(), samples: lineSamples(text) },
    };
  }
  const start = doc.offsetAt(editor.selection.start);
  const text = doc.getText(editor.selection);
  const lead = text.length - text.trimStart().length;
  return {
    label: `selection in ${name}`,
    inputsPath: (await textFile(ctx.storage, text)).fsPath,
    tokenizerPath: tokenizer.fsPath,
    textSplit: 'whole',
    text: {
      uri: doc.uri.toString(),
      samples: [{ start: start + lead, end: start + lead + text.trim().length }],
    },
  };
}

async function fileChoice(ctx: InputContext, uri: vscode.Uri): Promise<InputChoice> {
  const tokenizer = uri.path.endsWith('.txt') ? await findTokenizer(ctx.model, ctx.config) : undefined;
  return {
    label: vscode.workspace.asRelativePath(uri),
    inputsPath: uri.fsPath,
    ...(tokenizer ? { tokenizerPath: tokenizer.fsPath } : {}),
  };
}

/** Resolves a request made without a quick pick (tests, other extensions, "Analyze again"). */
export async function resolveInputs(
  request: InputRequest,
  ctx: InputContext,
): Promise<InputChoice | undefined> {
  switch (request.kind) {
    case 'demo':
      return { label: 'Fashion-MNIST test set (bundled)', inputsPath: demoInputs(ctx.extensionUri).fsPath };
    case 'file':
      return fileChoice(ctx, vscode.Uri.file(request.path));
    case 'selection':
      return editorText(ctx, false);
    case 'editor':
      return editorText(ctx, true);
    case 'synthetic':
      return { label: 'synthetic inputs from the input spec' };
  }
}

interface InputItem extends vscode.QuickPickItem {
  request?: InputRequest;
  action?: 'images' | 'browse';
}

export async function pickInputs(ctx: InputContext): Promise<InputChoice | undefined> {
  const items: InputItem[] = [];
  const editor = vscode.window.activeTextEditor;
  if (fitsDemo(ctx.summary)) {
    items.push({
      label: '$(beaker) Fashion-MNIST test set',
      description: 'bundled: 512 labelled 28×28 images',
      request: { kind: 'demo' },
    });
  }
  if (isTextModel(ctx.summary) && editor) {
    const name = editor.document.uri.path.split('/').pop();
    if (!editor.selection.isEmpty)
      items.push({ label: '$(selection) Selected text', description: name, request: { kind: 'selection' } });
    items.push({
      label: '$(file-text) Text of the active editor',
      description: `${name}, one sample per line`,
      request: { kind: 'editor' },
    });
  }
  const found = await vscode.workspace.findFiles(DATA_GLOB, IGNORED, 200);
  const wantsText = isTextModel(ctx.summary);
  for (const uri of found.sort((a, b) => a.path.localeCompare(b.path))) {
    if (uri.path.endsWith('.txt') && !wantsText) continue;
    items.push({
      label: `$(database) ${vscode.workspace.asRelativePath(uri)}`,
      request: { kind: 'file', path: uri.fsPath },
    });
  }
  if (!wantsText)
    items.push({
      label: '$(file-media) Images…',
      description: 'PNG/JPEG files or a folder',
      action: 'images',
    });
  items.push(
    {
      label: '$(folder-opened) Browse for a data file…',
      description: '.npy .npz .safetensors .json .txt',
      action: 'browse',
    },
    {
      label: '$(symbol-constant) Synthetic inputs',
      description: "random values from the model's input spec",
      request: { kind: 'synthetic' },
    },
  );
  const choice = await vscode.window.showQuickPick(items, {
    title: 'MoE Scope: inputs to run the model on',
    placeHolder: 'Inputs for the analysis',
  });
  if (!choice) return undefined;
  if (choice.request) return resolveInputs(choice.request, ctx);
  const picked = await vscode.window.showOpenDialog(
    choice.action === 'images'
      ? {
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          filters: { Images: ['png', 'jpg', 'jpeg'] },
          title: 'Images or a folder of images',
        }
      : {
          canSelectMany: false,
          filters: { Data: ['npy', 'npz', 'safetensors', 'json', 'txt'] },
          title: 'Input data',
        },
  );
  return picked?.[0] ? fileChoice(ctx, picked[0]) : undefined;
}
