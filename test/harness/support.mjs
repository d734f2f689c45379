// Process and file hygiene shared by MoE Scope's editor tiers: where the repository is, deadlines,
// log tails, and the guarantee that no process group or temp folder we create outlives the run, even
// when the run fails or is interrupted.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';

/** The repository root: the nearest folder upwards from the working directory whose package is moe-scope. */
export function findRepoRoot(start = process.cwd()) {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'moe-scope') return dir;
    if (dirname(dir) === dir) {
      throw new Error(`no moe-scope package.json above ${start}; run the tests from the repository`);
    }
  }
}

export const repoRoot = findRepoRoot();

/** Promise with a deadline: rejects with `message` when `ms` pass first. */
export function withTimeout(promise, ms, message) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Keeps the last `size` non-empty lines written to it, for diagnostics. */
export class LogTail {
  constructor(size = 200) {
    this.size = size;
    this.lines = [];
  }

  push(text) {
    for (const line of String(text).split('\n')) {
      if (!line.trim()) continue;
      this.lines.push(line);
      if (this.lines.length > this.size) this.lines.shift();
    }
  }

  text(last = this.size) {
    return this.lines.slice(-last).join('\n');
  }
}

const liveGroups = new Set();
const scratchDirs = new Set();
let exitHooksInstalled = false;

/** Sends `signal` to a whole process group; false when the group is gone. */
export function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // Already gone.
  }
}

/** Synchronous last-resort cleanup: used when this process exits or is interrupted. */
function cleanUpNow() {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  scratchDirs.clear();
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      cleanUpNow();
      process.kill(process.pid, signal);
    });
  }
}

/** Remembers a detached process group so that it is killed if this process ends first. */
export function trackGroup(pid) {
  installExitHooks();
  liveGroups.add(pid);
}

export function untrackGroup(pid) {
  liveGroups.delete(pid);
}

/** Creates a temporary folder that is removed when `dispose()` runs or, failing that, when this process ends. */
export function scratchDir(prefix) {
  installExitHooks();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.add(dir);
  return {
    path: dir,
    dispose() {
      scratchDirs.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
