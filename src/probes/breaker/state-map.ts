/** The closed set of circuit breaker states a source can report. */
export const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/** One breaker state; see BREAKER_STATES. */
export type BreakerState = (typeof BREAKER_STATES)[number];

/** The exported state set: the breaker states plus `unknown` (source unreadable or unmappable). */
export const BREAKER_STATE_SET = [...BREAKER_STATES, 'unknown'] as const;

/** A state as exported; see BREAKER_STATE_SET. */
export type ObservedBreakerState = (typeof BREAKER_STATE_SET)[number];

/** Source value (as text) to breaker state. */
export type StateMap = Readonly<Record<string, BreakerState>>;

/** Default map for sources that report state names (matched case-insensitively). */
export const NAMED_STATES: StateMap = {
  closed: 'closed',
  open: 'open',
  'half-open': 'half-open',
  half_open: 'half-open',
  halfopen: 'half-open',
};

/** Default map of a `contract` source's bool: paused (true) means open. */
export const PAUSED_STATES: StateMap = { true: 'open', false: 'closed' };

/**
 * Maps a source value (string, number or boolean) to a breaker state through `map`: the exact
 * key first, then a case-insensitive one. Anything else, or no match, is undefined: an
 * unmappable value is never taken as closed.
 */
export function mapBreakerValue(value: unknown, map: StateMap): BreakerState | undefined {
  const key = keyOf(value);
  if (key === undefined) return undefined;
  if (Object.hasOwn(map, key)) return map[key];
  const lower = key.toLowerCase();
  const found = Object.keys(map).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : map[found];
}

function keyOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
