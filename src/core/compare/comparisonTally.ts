/**
 * The comparison of two runs over the same inputs, fed one pair of batches (same rows) at a time:
 * layers are paired on the first batch, each pair's routing streams into its PairTally, and the
 * two models' predictions are compared. `finish` turns it all, with the two reports, into the
 * `comparison` section. Memory is bounded by the layers' nA·nB, whatever the number of inputs.
 */
import type { LayerBatch } from '../analysis/types';
import { MoeScopeError } from '../errors';
import type { Report, ReportLayer } from '../report/types';
import { compareLayers } from './layerComparison';
import { PairTally } from './pairTally';
import { granularityOf, LayerRef, overlapK, Pairing, pairLayers } from './pairing';
import { routingProfile } from './profile';
import type { ComparedModel, Comparison, Granularity } from './types';

/** What one model produced for one batch of rows. */
export interface SideBatch {
  start: number;
  end: number;
  layers: readonly LayerRef[];
  routing: Record<string, LayerBatch>;
  /** Argmax of the first output per row, when it is class scores. */
  predictions?: Int32Array;
}

interface PairState {
  a: LayerRef;
  b: LayerRef;
  granularity: Granularity;
  tally: PairTally;
}

export class ComparisonTally {
  private pairing: Pairing | undefined;
  private pairs: PairState[] = [];
  private samples = 0;
  private agreed = 0;
  private predicted = 0;
  private predictionsMissing = false;

  /** Adds one batch of rows seen by both models. */
  add(a: SideBatch, b: SideBatch): void {
    if (a.start !== b.start || a.end !== b.end)
      throw new MoeScopeError(
        'INTERNAL',
        `Batches out of step: A ran rows ${a.start}–${a.end}, B rows ${b.start}–${b.end}.`,
      );
    if (!this.pairing) this.startPairs(a.layers, b.layers);
    for (const pair of this.pairs) {
      const routingA = a.routing[pair.a.id];
      const routingB = b.routing[pair.b.id];
      if (!routingA || !routingB)
        throw new MoeScopeError('INTERNAL', `No routing for ${pair.a.id}/${pair.b.id}.`);
      pair.tally.add(routingProfile(routingA, pair.granularity), routingProfile(routingB, pair.granularity));
    }
    const rows = a.end - a.start;
    this.samples += rows;
    if (a.predictions && b.predictions) {
      for (let i = 0; i < rows; i++) this.agreed += a.predictions[i] === b.predictions[i] ? 1 : 0;
      this.predicted += rows;
    } else {
      this.predictionsMissing = true;
    }
  }

  private startPairs(layersA: readonly LayerRef[], layersB: readonly LayerRef[]): void {
    this.pairing = pairLayers(layersA, layersB);
    this.pairs = this.pairing.pairs.map(({ a, b }) => ({
      a,
      b,
      granularity: granularityOf(a, b),
      tally: new PairTally(a.experts, b.experts, overlapK(a, b)),
    }));
  }

  /** The comparison section, given the two runs' reports. */
  finish(reportA: Report, reportB: Report): Comparison {
    const pairing = this.pairing ?? { pairs: [], unpaired: { a: [], b: [] } };
    const notes: string[] = [];
    const layerOf = (report: Report, id: string): ReportLayer => {
      const layer = report.layers.find((l) => l.id === id);
      if (!layer) throw new MoeScopeError('INTERNAL', `Layer ${id} is missing from the report.`);
      return layer;
    };
    const layers = this.pairs.map((pair, i) =>
      compareLayers({
        a: layerOf(reportA, pair.a.id),
        b: layerOf(reportB, pair.b.id),
        by: pairing.pairs[i]!.by,
        granularity: pair.granularity,
        tally: pair.tally,
        specialization: {
          ...(reportA.specialization ? { a: reportA.specialization } : {}),
          ...(reportB.specialization ? { b: reportB.specialization } : {}),
        },
      }),
    );
    if (pairing.unpaired.a.length + pairing.unpaired.b.length > 0) {
      const list = (side: LayerRef[]) => side.map((l) => `${l.id} (${l.kind})`).join(', ') || 'none';
      notes.push(
        `Layers without a partner: A ${list(pairing.unpaired.a)}; B ${list(pairing.unpaired.b)}. They are analysed in each report but not compared.`,
      );
    }
    const predictionAgreement = this.predictionAgreement(reportA, reportB, notes);
    return {
      a: comparedModel(reportA),
      b: comparedModel(reportB),
      samples: this.samples,
      layers,
      unpaired: { a: pairing.unpaired.a.map((l) => l.id), b: pairing.unpaired.b.map((l) => l.id) },
      predictionAgreement,
      notes,
    };
  }

  private predictionAgreement(reportA: Report, reportB: Report, notes: string[]): number | null {
    const classesA = reportA.model.outputs[0]?.shape?.at(-1);
    const classesB = reportB.model.outputs[0]?.shape?.at(-1);
    if (typeof classesA === 'number' && typeof classesB === 'number' && classesA !== classesB) {
      notes.push(
        `A's first output has ${classesA} classes and B's ${classesB}: predictions are not compared.`,
      );
      return null;
    }
    if (this.predictionsMissing || this.predicted === 0) {
      notes.push('The first outputs are not [batch, classes] scores: predictions are not compared.');
      return null;
    }
    return this.agreed / this.predicted;
  }
}

function comparedModel(report: Report): ComparedModel {
  return {
    path: report.model.path,
    sha256: report.model.sha256,
    provider: report.provider,
    layers: report.layers.map((l) => l.id),
    ...(report.accuracy !== undefined ? { accuracy: report.accuracy } : {}),
  };
}
