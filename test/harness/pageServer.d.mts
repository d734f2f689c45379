// Types of pageServer.mjs for the TypeScript test suites that import it.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { LogTail } from './support.mjs';

export const PAGES_DIR: string;
export const PAGE_POLICY: string;

export interface PageSite {
  /** The URL of the site's index page. */
  url: string;
  close(): Promise<void>;
}

export function startPageSite(options: {
  /** Prefix of the scratch folder's name. */
  prefix: string;
  /** The page served at "/", and whose URL `url` is. */
  index: string;
  /** Output name (without .js) → entry .ts file. */
  bundles: Record<string, string>;
  /** Files copied into the site as they are (pages, style sheets). */
  files?: string[];
}): Promise<PageSite>;

export function openTestPage(
  browser: Browser,
  url: string,
  log: LogTail,
  options?: BrowserContextOptions,
): Promise<Page>;

/** `api.method(...args)` in the page, resolved (a method's promise is awaited in the page). */
export type PageCall<Api> = <K extends keyof Api>(
  page: Page,
  method: K,
  ...args: Api[K] extends (...args: infer A) => unknown ? A : never
) => Promise<Api[K] extends (...args: never[]) => infer R ? Awaited<R> : never>;

export function pageApi<Api>(global: string): PageCall<Api>;
