// A real VS Code for MoE Scope's editor tiers, without downloading VS Code: code-server (VS Code's
// server and web workbench, from npm) installed on demand into .cache/code-server/, started on a free
// local port with throwaway profile folders, and driven by Chromium through playwright-core.
//
// This module is plain ESM so the tier scripts can import it directly; the browser tests bundle it
// too (as CommonJS), so it uses neither import.meta nor top-level await.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout } from 'node:timers';
import { URLSearchParams } from 'node:url';
import {
  killGroup,
  LogTail,
  repoRoot,
  scratchDir,
  trackGroup,
  untrackGroup,
  withTimeout,
} from './support.mjs';

export {
  BROWSER_RESULTS_DIR,
  captureConsole,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchChromium,
  saveDiagnostics,
  saveDiagnosticsIfFailed,
  tableCells,
  waitForExpression,
  waitForWorkbench,
} from './chromium.mjs';
export { findRepoRoot, LogTail, repoRoot, scratchDir, withTimeout } from './support.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const cacheDir = join(repoRoot, '.cache', 'code-server');
const entryScript = join(cacheDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const installedMarker = join(cacheDir, `installed-${CODE_SERVER_VERSION}`);
// Built or fetched by code-server's postinstall; without them the server starts but is broken.
const vscodeModules = join(cacheDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
const postinstallOutputs = [
  join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'),
  join(vscodeModules, 'node-pty', 'build', 'Release', 'pty.node'),
];

function isComplete() {
  return (
    existsSync(entryScript) &&
    postinstallOutputs.every((p) => existsSync(p)) &&
    codeServerVersion() === CODE_SERVER_VERSION
  );
}

// ---------------------------------------------------------------------------------------------
// Installation
// ---------------------------------------------------------------------------------------------

function codeServerVersion() {
  try {
    // Prints e.g. "4.100.3 409c64e… with Code 1.100.3", sometimes after a log line.
    const out = execFileSync(process.execPath, [entryScript, '--version'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return /^(\d+\.\d+\.\d+) /m.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Installs code-server into .cache/code-server/ unless a verified install is already there.
 * Idempotent: a completed install leaves a marker file, written only after `--version` answered.
 * Returns the path of code-server's entry script.
 */
export function ensureCodeServer({ log = (line) => console.log(line) } = {}) {
  if (existsSync(installedMarker) && existsSync(entryScript)) return entryScript;
  if (isComplete()) {
    writeFileSync(installedMarker, `${new Date().toISOString()}\n`);
    log(`code-server ${CODE_SERVER_VERSION} found in ${cacheDir}`);
    return entryScript;
  }

  log(`installing code-server ${CODE_SERVER_VERSION} into ${cacheDir} (about a minute; done once)`);
  mkdirSync(cacheDir, { recursive: true });
  // Whatever an earlier, interrupted install left behind is not to be trusted.
  rmSync(join(cacheDir, 'node_modules'), { recursive: true, force: true });
  rmSync(installedMarker, { force: true });
  if (!existsSync(join(cacheDir, 'package.json'))) {
    writeFileSync(
      join(cacheDir, 'package.json'),
      `${JSON.stringify({ name: 'moe-scope-code-server-cache', private: true }, null, 2)}\n`,
    );
  }

  // @vscode/ripgrep downloads rg from GitHub in its postinstall unless it finds this tarball in its
  // cache under the temp folder; Debian's ripgrep packed as `rg` satisfies it offline.
  const tempRoot = mkdtempSync(join(tmpdir(), 'moe-scope-code-server-install-'));
  try {
    const rg = ['/usr/bin/rg', '/bin/rg'].find((p) => existsSync(p));
    if (!rg) throw new Error('ripgrep is missing: apt-get install -y ripgrep (code-server needs it offline)');
    const ripgrepCache = join(tempRoot, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
    mkdirSync(ripgrepCache);
    const staging = join(tempRoot, 'rg-staging');
    mkdirSync(staging);
    copyFileSync(rg, join(staging, 'rg'));
    execFileSync('tar', ['-czf', join(ripgrepCache, RIPGREP_TARBALL), '-C', staging, 'rg']);
    log(`  ripgrep: packed ${rg} for @vscode/ripgrep's offline cache`);

    const env = {
      ...process.env,
      TMPDIR: tempRoot,
      // Running as root: let install scripts run as root too.
      npm_config_unsafe_perm: 'true',
      // The machine's npmrc says `yes=false`, which cancels node-pty's `npx node-gyp`.
      npm_config_yes: 'true',
      // Build native modules against the installed Node headers instead of downloading them.
      npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const args = [
      'install',
      '--prefix',
      cacheDir,
      '--no-save',
      '--no-package-lock',
      `code-server@${CODE_SERVER_VERSION}`,
    ];
    log(`  npm ${args.join(' ')}`);
    try {
      execFileSync('npm', args, { env, stdio: 'inherit', timeout: 15 * 60_000 });
    } catch (error) {
      throw new Error(
        `installing code-server ${CODE_SERVER_VERSION} failed (${error.message.split('\n')[0]}). It needs the npm registry and ` +
          'the Debian packages build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep.',
        { cause: error },
      );
    }
  } finally {
    rmSync(tempRoot, { recursive: true, force: true });
  }

  if (!isComplete()) {
    const missing = postinstallOutputs.filter((p) => !existsSync(p));
    throw new Error(
      `code-server was installed into ${cacheDir} but is incomplete: ` +
        (missing.length
          ? `its postinstall did not produce ${missing.join(', ')}`
          : `\`code-server --version\` did not report ${CODE_SERVER_VERSION}`),
    );
  }
  writeFileSync(installedMarker, `${new Date().toISOString()}\n`);
  log(`code-server ${CODE_SERVER_VERSION} installed`);
  return entryScript;
}

// ---------------------------------------------------------------------------------------------
// Running it
// ---------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Keeps the last `size` lines written to a stream, for diagnostics. */

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
};

// Workspace trust on, without the startup question: a folder nobody trusted opens in restricted mode.
const TRUST_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

function remoteUri(authority, path) {
  return `vscode-remote://${authority}${resolve(path)}`;
}

function httpStatus(url) {
  return new Promise((resolveStatus, reject) => {
    const request = httpGet(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 2 s')));
    request.on('error', reject);
  });
}

async function waitForHttp(url, child, tail, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (${child.exitCode ?? child.signalCode}) before it answered:\n${tail.text(40)}`,
      );
    }
    try {
      const status = await httpStatus(url);
      if (status >= 200 && status < 300) return;
      lastError = new Error(`HTTP ${status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200)); // Polling interval while the server boots.
  }
  throw new Error(
    `code-server did not answer ${url} within ${timeoutMs / 1000} s (${lastError?.message}):\n${tail.text(40)}`,
  );
}

/**
 * Starts code-server detached (its own process group) on 127.0.0.1 with fresh profile folders.
 * Returns `{ url, port, log, exited, stop() }`: `url` opens the workbench on `folder` with the
 * extension under development loaded (and its test runner, when `extensionTestsPath` is given);
 * `log` holds the server's last output lines; `exited` settles with the exit code or signal if the
 * server ends; `stop()` kills the whole process group and removes the profile.
 */
export async function startCodeServer({
  folder,
  extensionDevelopmentPath,
  extensionTestsPath,
  userSettings = {},
  workspaceTrust = false,
  port,
  env = {},
  echo = false,
  startTimeoutMs = 60_000,
}) {
  const entry = ensureCodeServer();
  const chosenPort = port ?? (await freePort());
  const scratch = scratchDir('moe-scope-code-server-');
  const profile = scratch.path;
  const dirs = {
    userData: join(profile, 'user-data'),
    extensions: join(profile, 'extensions'),
    config: join(profile, 'config'),
    data: join(profile, 'data'),
    cache: join(profile, 'cache'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      { ...QUIET_SETTINGS, ...(workspaceTrust ? TRUST_SETTINGS : {}), ...userSettings },
      null,
      2,
    ),
  );
  const configFile = join(profile, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${chosenPort}\nauth: none\ncert: false\n`);

  const args = [
    entry,
    '--config',
    configFile,
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    '--bind-addr',
    `127.0.0.1:${chosenPort}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
    resolve(folder),
  ];
  const child = spawn(process.execPath, args, {
    cwd: profile,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      EXTENSIONS_GALLERY: '{}',
      XDG_CONFIG_HOME: dirs.config,
      XDG_DATA_HOME: dirs.data,
      XDG_CACHE_HOME: dirs.cache,
      ...env,
    },
  });
  trackGroup(child.pid);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const log = new LogTail(400);
  const onOutput = (chunk) => {
    log.push(chunk);
    if (echo) process.stdout.write(`[code-server] ${chunk}`);
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    // The extension host and MoE Scope's engine are in code-server's process group: end them all.
    if (killGroup(child.pid, 'SIGTERM')) {
      const ended = await withTimeout(exited, 5_000, 'slow exit').then(
        () => true,
        () => false,
      );
      if (!ended) killGroup(child.pid, 'SIGKILL');
      // Children may outlive the leader briefly; make sure the group is empty.
      killGroup(child.pid, 'SIGKILL');
    }
    untrackGroup(child.pid);
    scratch.dispose();
  }

  const authority = `127.0.0.1:${chosenPort}`;
  const base = `http://${authority}`;
  try {
    await waitForHttp(`${base}/healthz`, child, log, startTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }

  const payload = [];
  if (extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remoteUri(authority, extensionDevelopmentPath)]);
  }
  if (extensionTestsPath) {
    payload.push(['extensionTestsPath', remoteUri(authority, extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder: resolve(folder) });
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return { url: `${base}/?${query}`, base, port: chosenPort, pid: child.pid, log, exited, stop };
}
