/**
 * Checkpoint comparison: pair the MoE layers of two models run on the same inputs, align their
 * experts (Hungarian method on routing-profile correlations) and measure routing agreement and
 * divergence per layer pair.
 *
 *   const tally = new ComparisonTally();
 *   for (const [a, b] of pairedBatches) tally.add(a, b);
 *   const comparison = tally.finish(reportA, reportB);
 */
export { alignExperts } from './alignment';
export { ComparisonTally } from './comparisonTally';
export type { SideBatch } from './comparisonTally';
export { CrossCorrelation } from './correlation';
export { jsDivergence } from './divergence';
export { assignmentCost, minCostAssignment } from './hungarian';
export { comparisonToJson } from './json';
export { topKIndices, topKOverlap } from './overlap';
export { PairTally } from './pairTally';
export { granularityOf, overlapK, pairLayers } from './pairing';
export type { LayerRef, Pairing } from './pairing';
export { routingProfile } from './profile';
export { COMPARISON_SCHEMA } from './types';
export type * from './types';
