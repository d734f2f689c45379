// Types of support.mjs for the TypeScript test suites that import it.
export const repoRoot: string;
export function findRepoRoot(start?: string): string;
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T>;
export function killGroup(pid: number, signal: NodeJS.Signals): boolean;
export function trackGroup(pid: number): void;
export function untrackGroup(pid: number): void;
export function scratchDir(prefix: string): { path: string; dispose(): void };

export class LogTail {
  constructor(size?: number);
  readonly lines: string[];
  push(text: string): void;
  text(last?: number): string;
}
