// Types of codeServer.mjs for the TypeScript test suites that import it.
import type { LogTail } from './support.mjs';

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

export const CODE_SERVER_VERSION: string;
export function ensureCodeServer(options?: { log?: (line: string) => void }): string;

export interface CodeServer {
  /** The workbench URL: folder plus the extension development (and tests) payload. */
  url: string;
  base: string;
  port: number;
  pid: number;
  log: LogTail;
  /** Settles with the exit code (or signal name) when the server process ends. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

export function startCodeServer(options: {
  folder: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  userSettings?: Record<string, unknown>;
  /** Keep VS Code's workspace trust on (off by default): the folder opens untrusted. */
  workspaceTrust?: boolean;
  port?: number;
  env?: Record<string, string>;
  echo?: boolean;
  startTimeoutMs?: number;
}): Promise<CodeServer>;
