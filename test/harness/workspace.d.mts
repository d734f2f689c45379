// Types of workspace.mjs for the TypeScript test suites that import it.
export const DEMO_MODEL_NAME: string;
export function demoModelPath(): string;
export function createTestWorkspace(options?: { settings?: Record<string, unknown> }): {
  folder: string;
  modelPath: string;
  dispose(): void;
};
