// Packages MoE Scope as a platform-specific .vsix carrying only that platform's ONNX Runtime binary.
//   node scripts/package.mjs [target]     target: linux-x64 (default: this machine), linux-arm64,
//                                         darwin-arm64, win32-x64, win32-arm64
// onnxruntime-node ships every platform's binaries (~300 MB); one platform's is 25–86 MB.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const target = process.argv[2] ?? `${process.platform}-${process.arch}`;
if (!TARGETS.includes(target)) {
  console.error(`unknown target "${target}"; choose from ${TARGETS.join(', ')}`);
  process.exit(2);
}
const [platform, arch] = target.split('-');
const bin = 'node_modules/onnxruntime-node/bin/napi-v6';
const ignore = `${readFileSync('.vscodeignore', 'utf8')}
# ${target}: this platform's ONNX Runtime binary only.
!${bin}/${platform}/${arch}/**
`;
mkdirSync('.cache', { recursive: true });
const ignoreFile = `.cache/vscodeignore-${target}`;
writeFileSync(ignoreFile, ignore);
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
execFileSync(
  'npx',
  [
    '--yes',
    '@vscode/vsce@3.9.1',
    'package',
    '--target',
    target,
    '--ignoreFile',
    ignoreFile,
    '--allow-missing-repository',
  ],
  { stdio: 'inherit' },
);
