/** Links a parsed document to the layers of every report: the linker's entry point. */
import type { Report } from '../report/types';
import type { ConfigIndex } from './configIndex';
import { DocumentLinks } from './documentLinks';
import { linkConfig } from './linkConfig';
import { linkPython } from './linkPython';
import type { PythonIndex } from './pythonIndex';
import type { LinkTarget } from './types';

/** A document read once per version: Python code, or a JSON/YAML config. */
export type ParsedDocument =
  | { language: 'python'; index: PythonIndex; lines: readonly string[] }
  | { language: 'config'; index: ConfigIndex };

export function targetsOf(report: Report): LinkTarget[] {
  return report.layers.map((layer) => ({
    id: layer.id,
    tensors: Object.values(layer.tensors),
    ...(layer.source ? { source: layer.source } : {}),
  }));
}

export function linkDocument(
  parsed: ParsedDocument,
  documentPath: string,
  reports: readonly Report[],
): DocumentLinks {
  return new DocumentLinks(
    reports.map((report) => {
      const targets = targetsOf(report);
      const links =
        parsed.language === 'python'
          ? linkPython(parsed.index, targets, documentPath, parsed.lines)
          : linkConfig(parsed.index, targets);
      return { modelPath: report.model.path, links };
    }),
  );
}
