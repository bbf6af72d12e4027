/** Besu's health check verdict: UP, DOWN, or an answer that is neither. */
export type HealthState = 'up' | 'down' | 'unknown';

/**
 * Judges a /liveness or /readiness answer. Besu answers 200 {"status":"UP"} or 503
 * {"status":"DOWN"} (pretty-printed, so the body is parsed, never string-compared).
 */
export function judgeHealth(status: number, body: unknown): HealthState {
  const reported =
    body !== null && typeof body === 'object' ? (body as { status?: unknown }).status : undefined;
  if (status === 200 && reported === 'UP') return 'up';
  if (status === 503 && reported === 'DOWN') return 'down';
  return 'unknown';
}
