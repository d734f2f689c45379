// `npm start`: builds MoE Scope, starts a real VS Code (code-server, the same one the test tiers use)
// with the extension loaded on a demo workspace — the bundled checkpoint, its inputs and a Python
// model file whose layers match it — and prints the URL to open. Ctrl+C stops it.
//   PORT=8080 npm start     choose the port (default: a free one)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCodeServer } from '../test/harness/codeServer.mjs';
import { repoRoot } from '../test/harness/support.mjs';

const DEMO = join(repoRoot, 'media', 'demo');
const WORKSPACE = join(repoRoot, '.cache', 'demo-workspace');

function prepareWorkspace() {
  mkdirSync(join(WORKSPACE, '.vscode'), { recursive: true });
  for (const name of ['softmoe_vit.onnx', 'fashion-mnist-test.npz', 'labels.json', 'softmoe_vit.py']) {
    if (existsSync(join(DEMO, name))) copyFileSync(join(DEMO, name), join(WORKSPACE, name));
  }
  const settings = join(WORKSPACE, '.vscode', 'settings.json');
  // Keep the user's own changes to the demo settings across starts.
  if (!existsSync(settings)) {
    writeFileSync(settings, `${JSON.stringify({ 'moeScope.checkpoint': 'softmoe_vit.onnx' }, null, 2)}\n`);
  }
}

execFileSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
prepareWorkspace();
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const server = await startCodeServer({ folder: WORKSPACE, extensionDevelopmentPath: repoRoot, port });
console.log(`\nMoE Scope is running in VS Code at:\n\n  ${server.url}\n`);
console.log('Open softmoe_vit.py, then run "MoE Scope: Analyze Experts" from the command palette (F1).');
console.log('Press Ctrl+C to stop.');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await server.exited;
if (!stopping) {
  console.error(`code-server stopped (${code}); its last output:\n${server.log.lines.join('\n')}`);
  process.exit(1);
}
