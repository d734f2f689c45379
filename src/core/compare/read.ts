/**
 * Reads a comparison back from its JSON form (`moe-scope compare --json`, the standalone page, the
 * host's store of comparisons):
 * checks the schema and revives both reports, so the views see the shape the engine produced.
 */
import { MoeScopeError } from '../errors';
import { parseReportJson, reviveReport } from '../report/read';
import { COMPARISON_SCHEMA, type CompareResult } from './types';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The schema, two report objects and the comparison's layer pairs; the reports are checked when revived. */
function looksLikeComparison(value: unknown): value is CompareResult {
  return (
    isObject(value) &&
    value.schema === COMPARISON_SCHEMA &&
    isObject(value.a) &&
    isObject(value.b) &&
    isObject(value.comparison) &&
    Array.isArray(value.comparison.layers)
  );
}

export function comparisonFromJson(text: string): CompareResult {
  return reviveComparison(parseReportJson(text, 'comparison'));
}

/** Revives an already-parsed comparison (its reports' matrices as nested arrays). */
export function reviveComparison(parsed: unknown): CompareResult {
  if (!looksLikeComparison(parsed)) {
    throw new MoeScopeError(
      'BAD_REPORT',
      `Not a MoE Scope comparison: expected schema "${COMPARISON_SCHEMA}" with two reports.`,
    );
  }
  return { ...parsed, a: reviveReport(parsed.a), b: reviveReport(parsed.b) };
}
