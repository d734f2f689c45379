/**
 * Reads a comparison back from its JSON form (`moe-scope compare --json`, the standalone page):
 * checks the schema and revives both reports, so the views see the shape the engine produced.
 */
import { COMPARISON_SCHEMA, type CompareResult } from '../../src/core/compare/types';
import { MoeScopeError } from '../../src/core/errors';
import { reviveReport } from '../../src/core/report/read';
import { isCompareResult } from '../../src/protocol/compareWebview';

export function comparisonFromJson(text: string): CompareResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MoeScopeError('BAD_REPORT', `Not a MoE Scope comparison: ${(error as Error).message}`);
  }
  if (!isCompareResult(parsed)) {
    throw new MoeScopeError(
      'BAD_REPORT',
      `Not a MoE Scope comparison: expected schema "${COMPARISON_SCHEMA}" with two reports.`,
    );
  }
  return { ...parsed, a: reviveReport(parsed.a), b: reviveReport(parsed.b) };
}
