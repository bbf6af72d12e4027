import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { decodeJsonState } from '../../src/probes/breaker/decode.js';
import { BreakerError } from '../../src/probes/breaker/errors.js';
import { NAMED_STATES } from '../../src/probes/breaker/state-map.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { DESCRIBE_REVERT, FUZZ_TARGETS, type FuzzTarget } from './fuzz-targets.js';

// Seeded property-based fuzzing of every decoder and classifier: nothing thrown but the domain's
// own error type, no call longer than a second. FUZZ_RUNS=100000 (npm run fuzz) is the long mode;
// FUZZ_SEED replays a run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const MAX_CALL_MS = 1000;

let total = 0;

/** Runs one target; returns the slowest call in ms. */
function fuzz(target: FuzzTarget): number {
  let slowest = 0;
  fc.assert(
    fc.property(target.arb, (input) => {
      total++;
      const t0 = performance.now();
      try {
        target.run(input);
      } catch (err) {
        if (!target.allowed.some((type) => err instanceof type)) throw err;
      } finally {
        slowest = Math.max(slowest, performance.now() - t0);
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
  return slowest;
}

describe(`fuzzing decoders and classifiers (${RUNS} cases each, seed ${SEED})`, () => {
  afterAll(() => {
    console.log(`fuzz cases run: ${total} over ${FUZZ_TARGETS.length} targets (seed ${SEED})`);
  });

  it.each(FUZZ_TARGETS)(
    '$name throws only its domain error',
    (target) => {
      const slowest = fuzz(target);
      expect(slowest).toBeLessThan(MAX_CALL_MS);
    },
    60_000 + RUNS * 15,
  );

  // Found by this suite and fixed: describeRevert('0x１') used to return endpoint text that is
  // not printable ASCII in the custom-error branch.
  it('oracle.describeRevert returns printable ASCII only (custom-error branch too)', () => {
    fuzz(DESCRIBE_REVERT);
  });

  // Found by the 100k-case run and fixed: a state that is an object without a usable toString
  // made decodeJsonState throw a TypeError instead of a BreakerError (class internal).
  it('breaker.decodeJsonState on {"toString":null} throws a BreakerError', () => {
    const body = JSON.stringify({ breaker: { state: { toString: null } } });
    expect(() => decodeJsonState(body, '/breaker/state', NAMED_STATES)).toThrow(BreakerError);
  });

  it('bounds YAML alias expansion (billion laughs) with a ConfigError', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const t0 = performance.now();
    expect(() => parseConfig(lines.join('\n'), PROBE_KINDS, {})).toThrow(ConfigError);
    expect(performance.now() - t0).toBeLessThan(MAX_CALL_MS);
  });
});
