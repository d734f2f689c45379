/** Assertions on MoE Scope's user-facing errors. */
import assert from 'node:assert/strict';
import { MoeScopeError, type ErrorCode } from '../../src/core/errors';

/** A function that asserts a MoeScopeError with `code` whose message matches every pattern. */
export function isError(code: ErrorCode, ...patterns: RegExp[]): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof MoeScopeError, `expected a MoeScopeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const p of patterns) assert.match(error.message, p);
    return true;
  };
}
