/** Serialises a comparison as JSON (`moe-scope compare --json`): both reports, then the comparison. */
import { reportToJson } from '../report/json';
import type { CompareResult } from './types';

export function comparisonToJson(result: CompareResult, indent = 2): string {
  // The report writer knows how to turn per-sample typed arrays into nested arrays.
  const plain = {
    schema: result.schema,
    a: JSON.parse(reportToJson(result.a, 0)) as unknown,
    b: JSON.parse(reportToJson(result.b, 0)) as unknown,
    comparison: result.comparison,
  };
  return JSON.stringify(plain, null, indent);
}
