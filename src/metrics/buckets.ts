/** Latency buckets in seconds, from 1 ms to 10 s, for JSON-RPC and HTTP calls. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Buckets for durations that scale with the chain's block period (seconds). */
export function blockPeriodBuckets(blockPeriodSeconds: number): number[] {
  const factors = [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 5, 10, 30];
  return factors.map((f) => round3(f * blockPeriodSeconds));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
