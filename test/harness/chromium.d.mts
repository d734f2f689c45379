// Types of chromium.mjs for the TypeScript test suites that import it.
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import type { LogTail } from './support.mjs';

export const CHROMIUM_PATH: string;
export const BROWSER_RESULTS_DIR: string;
export const CHROMIUM_ARGS: string[];
export function launchChromium(): Promise<Browser>;
export function captureConsole(page: Page, tail: LogTail, echo?: boolean): void;
export function waitForWorkbench(page: Page, timeoutMs?: number): Promise<void>;
export function waitForExpression(page: Page | Frame, expression: string, timeoutMs?: number): Promise<void>;
export function saveDiagnostics(
  page: Page | undefined,
  dir: string,
  name: string,
  tails?: Record<string, LogTail | undefined>,
): Promise<string[]>;
export function saveDiagnosticsIfFailed(
  test: { state?: string; title: string } | undefined,
  page: Page | undefined,
  prefix: string,
  tails?: Record<string, LogTail | undefined>,
): Promise<string[]>;
export function tableCells(rows: Locator): Promise<string[][]>;
