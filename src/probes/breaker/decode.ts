import { Interface } from 'ethers';
import { BreakerError } from './errors.js';
import { resolvePointer } from './json-pointer.js';
import { PromTextError, parsePromText, selectSamples } from './prom-text.js';
import { mapBreakerValue, type BreakerState, type StateMap } from './state-map.js';

/** How a `prometheus` source names its breaker series. */
export interface PromSelector {
  metric: string;
  /** Equality matchers the series must carry. */
  labels?: Readonly<Record<string, string>> | undefined;
  /** State-set style: the label naming the state of the series at 1 (e.g. `state`). */
  stateLabel?: string | undefined;
}

/** The breaker state in a JSON document at an RFC 6901 pointer. */
export function decodeJsonState(text: string, pointer: string, map: StateMap): BreakerState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BreakerError('invalid_json', 'source body is not JSON', { cause: err });
  }
  const found = resolvePointer(doc, pointer);
  if (!found.found) throw new BreakerError('bad_response', `nothing at JSON pointer ${pointer}`);
  return mapOrThrow(found.value, map);
}

/**
 * The breaker state in Prometheus text: with `stateLabel`, the state label of the one matching
 * series at 1 (resilience4j and the devnet publisher export state sets); else the value of the
 * one matching series, mapped (e.g. 0 closed, 1 open).
 */
export function decodePromState(text: string, sel: PromSelector, map: StateMap): BreakerState {
  let samples;
  try {
    samples = selectSamples(parsePromText(text), sel.metric, sel.labels);
  } catch (err) {
    if (!(err instanceof PromTextError)) throw err;
    throw new BreakerError('bad_response', err.message, { cause: err });
  }
  if (samples.length === 0) throw new BreakerError('bad_response', `no series of ${sel.metric}`);
  if (sel.stateLabel !== undefined) {
    const active = samples.filter((s) => s.value === 1);
    if (active.length !== 1) {
      throw new BreakerError('unmapped_state', `${active.length} states of ${sel.metric} are at 1`);
    }
    return mapOrThrow(active[0]?.labels[sel.stateLabel], map);
  }
  if (samples.length > 1) {
    throw new BreakerError('bad_response', `${samples.length} series of ${sel.metric} match`);
  }
  return mapOrThrow(samples[0]?.value, map);
}

/** Calldata of a no-argument bool view function such as paused(). */
export function encodeBoolCall(fn: string): string {
  return boolInterface(fn).encodeFunctionData(fn);
}

/** The breaker state from a bool view function's return data (true maps to open by default). */
export function decodeBoolState(data: unknown, fn: string, map: StateMap): BreakerState {
  if (typeof data !== 'string' || data === '0x') {
    throw new BreakerError('bad_response', `${fn}() returned no data (no contract?)`);
  }
  // Strict: ethers reads any non-zero word as true, but a bool must be exactly 0 or 1.
  const word = /^0x[0-9a-fA-F]{64}/.test(data) ? BigInt(data.slice(0, 66)) : -1n;
  if (word !== 0n && word !== 1n) {
    throw new BreakerError('bad_response', `${fn}() result is not a bool`);
  }
  const value = word === 1n;
  return mapOrThrow(value, map);
}

function boolInterface(fn: string): Interface {
  return new Interface([`function ${fn}() view returns (bool)`]);
}

function mapOrThrow(value: unknown, map: StateMap): BreakerState {
  const state = mapBreakerValue(value, map);
  if (state !== undefined) return state;
  throw new BreakerError('unmapped_state', `value ${show(value)} maps to no breaker state`);
}

// The value is text a source controls: shown short and printable, never used as a label.
function show(value: unknown): string {
  const text =
    typeof value === 'object' && value !== null
      ? '(an object)'
      : (JSON.stringify(value) ?? 'undefined');
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 37)}...` : printable;
}
