import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const HINT =
  'A strong hint that it was down or slow, not proof: a round also fails for lack of ' +
  'prepares or commits.';

/** Round buckets: most blocks commit in round 0; each further round doubles the timer. */
export const ROUND_BUCKETS = [0, 1, 2, 3, 4, 6, 8, 16];

/**
 * Metrics of the `validators` probe: network series and per-validator series, all labelled
 * with the followed `endpoint` (nodes store different seal sets, and a labelless gauge would
 * read 0 before the first judgement: never say "0 validators" when nothing is known).
 */
export function defineValidatorsMetrics(registry: Registry) {
  const r = [registry];
  const labelNames = ['endpoint'] as const;
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: r });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames, registers: r });
  const f: Factories = { gauge, counter, r };
  return {
    ...livenessMetrics(f),
    ...blockMetrics(f),
    ...setAndApiMetrics(f),
    ...validatorMetrics(r),
  };
}

interface Factories {
  gauge: (name: string, help: string) => Gauge<'endpoint'>;
  counter: (name: string, help: string) => Counter<'endpoint'>;
  r: Registry[];
}

function livenessMetrics({ gauge }: Factories) {
  return {
    setSize: gauge(
      'chainprobe_validators_set_size',
      'Validators in the set that validates the newest processed block (N).',
    ),
    quorum: gauge('chainprobe_validators_quorum', 'Commit seals a block needs: ceil(2N/3).'),
    faultTolerance: gauge(
      'chainprobe_validators_fault_tolerance',
      'Faulty validators the set tolerates by design: floor((N-1)/3).',
    ),
    live: gauge(
      'chainprobe_validators_live',
      'Validators judged live: seal participation at or above the threshold over the window, ' +
        'or a proposal in it. Capped at quorum-1 while the chain is halted.',
    ),
    margin: gauge(
      'chainprobe_validators_fault_margin',
      'Live validators minus quorum: how many more may fail before the chain halts ' +
        '(negative: halted, or about to).',
    ),
    halted: gauge(
      'chainprobe_validators_halted',
      '1 when the head block is older than haltedAfterSeconds (no block is being committed).',
    ),
    windowBlocks: gauge(
      'chainprobe_validators_window_blocks',
      'Blocks in the sliding window over which participation and liveness are judged.',
    ),
  };
}

function blockMetrics({ gauge, counter, r }: Factories) {
  return {
    processedBlock: gauge(
      'chainprobe_validators_processed_block_number',
      'Number of the newest block whose consensus data was processed.',
    ),
    processed: counter(
      'chainprobe_validators_blocks_processed_total',
      'Blocks whose consensus data was processed.',
    ),
    skipped: counter(
      'chainprobe_validators_blocks_skipped_total',
      'Blocks never read because chainprobe fell more than maxCatchUpBlocks behind the head.',
    ),
    undecodable: counter(
      'chainprobe_validators_undecodable_blocks_total',
      'Blocks whose header or extraData could not be decoded (IBFT 1.0, garbage); skipped.',
    ),
    hashMismatches: counter(
      'chainprobe_validators_hash_mismatch_total',
      "Blocks whose served hash differs from Besu's BFT block hash of their own header.",
    ),
    invalidSeals: counter(
      'chainprobe_validators_invalid_seals_total',
      "Blocks whose commit seals fail Besu's rule: a duplicate, outside or unrecoverable " +
        'signer, or fewer than quorum.',
    ),
    proposerMismatches: counter(
      'chainprobe_validators_proposer_mismatch_total',
      'Blocks whose coinbase is not the designated proposer of the committing round; normal ' +
        'for a block re-proposed after a round change, which keeps its creator.',
    ),
    roundChanges: counter(
      'chainprobe_validators_round_changes_total',
      'Blocks committed in a round above 0 (at least one round expired at that height).',
    ),
    lastRound: gauge(
      'chainprobe_validators_last_round',
      'Round in which the newest processed block was committed.',
    ),
    round: new Histogram({
      name: 'chainprobe_validators_block_round',
      help: 'Round in which each processed block was committed.',
      labelNames: ['endpoint'] as const,
      buckets: ROUND_BUCKETS,
      registers: r,
    }),
    lastSeals: gauge(
      'chainprobe_validators_last_block_seals',
      'Commit seals carried by the newest processed block.',
    ),
  };
}

function setAndApiMetrics({ gauge, counter, r }: Factories) {
  return {
    setChanges: counter(
      'chainprobe_validators_set_changes_total',
      'Blocks whose validator set differs from that of the block before.',
    ),
    headerVotes: new Counter({
      name: 'chainprobe_validators_header_votes_total',
      help: 'Validator votes carried in processed block headers, by vote (add, drop).',
      labelNames: ['endpoint', 'vote'] as const,
      registers: r,
    }),
    pendingVotes: new Gauge({
      name: 'chainprobe_validators_pending_votes',
      help: 'Votes pending on the endpoint (qbft_getPendingVotes), by vote (add, drop).',
      labelNames: ['endpoint', 'vote'] as const,
      registers: r,
    }),
    apiEnabled: gauge(
      'chainprobe_validators_qbft_api_enabled',
      '1 if the endpoint answers the QBFT API (IBFT API on IBFT 2.0), 0 if the methods are ' +
        'not enabled: a configuration state, never a validator fault.',
    ),
    apiSetSize: gauge(
      'chainprobe_validators_api_set_size',
      'Validators qbft_getValidatorsByBlockNumber(latest) returns.',
    ),
    apiSetMatch: gauge(
      'chainprobe_validators_api_set_match',
      "1 if qbft_getValidatorsByBlockNumber(latest) equals the head block's extraData set " +
        '(header mode, when caught up), else 0.',
    ),
    signerMetricsMismatches: gauge(
      'chainprobe_validators_signer_metrics_mismatches',
      'Validators whose qbft_getSignerMetrics proposal count differs from the headers over ' +
        'the same [from, to) range.',
    ),
    consensusInfo: new Gauge({
      name: 'chainprobe_validators_consensus_info',
      help: 'Always 1; label consensus is the protocol read from extraData (qbft, ibft2).',
      labelNames: ['endpoint', 'consensus'] as const,
      registers: r,
    }),
  };
}

function validatorMetrics(r: Registry[]) {
  const labelNames = ['endpoint', 'validator'] as const;
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: r });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames, registers: r });
  return {
    info: new Gauge({
      name: 'chainprobe_validators_validator_info',
      help: 'Always 1; label name is the configured name of the validator (empty if none).',
      labelNames: ['endpoint', 'validator', 'name'] as const,
      registers: r,
    }),
    lastProposed: gauge(
      'chainprobe_validators_last_proposed_block',
      'Number of the last processed block the validator created (coinbase).',
    ),
    lastProposedAge: gauge(
      'chainprobe_validators_last_proposed_age_seconds',
      'Wall time minus the timestamp of the last block the validator created.',
    ),
    proposals: counter(
      'chainprobe_validators_proposals_total',
      'Processed blocks the validator created (coinbase).',
    ),
    missedSlots: counter(
      'chainprobe_validators_missed_slots_total',
      `Proposer slots designated to the validator by Besu's rule that expired. ${HINT}`,
    ),
    windowProposals: gauge(
      'chainprobe_validators_window_proposals',
      'Blocks in the window the validator created.',
    ),
    windowMissedSlots: gauge(
      'chainprobe_validators_window_missed_slots',
      `Designated proposer slots of the validator that expired, over the window. ${HINT}`,
    ),
    participation: gauge(
      'chainprobe_validators_seal_participation_ratio',
      'Fraction of window blocks it had to seal whose commit seals include it. Nodes store ' +
        'different seal sets, so only the window average means anything.',
    ),
    blocksSinceSeen: gauge(
      'chainprobe_validators_blocks_since_seen',
      'Blocks since the validator last proposed or sealed one (since it was first seen in a set).',
    ),
    isLive: gauge(
      'chainprobe_validators_validator_live',
      '1 if the validator is live: participation or a proposal in the window, and seen within ' +
        'notSeenAfterBlocks; else 0.',
    ),
  };
}

/** The typed metrics of the `validators` kind. */
export type ValidatorsMetrics = ReturnType<typeof defineValidatorsMetrics>;

/** Network metrics labelled by `endpoint` only. */
export const NETWORK_METRICS = [
  'setSize',
  'quorum',
  'faultTolerance',
  'live',
  'margin',
  'halted',
  'windowBlocks',
  'processedBlock',
  'processed',
  'skipped',
  'undecodable',
  'hashMismatches',
  'invalidSeals',
  'proposerMismatches',
  'roundChanges',
  'lastRound',
  'round',
  'lastSeals',
  'setChanges',
  'apiEnabled',
  'apiSetSize',
  'apiSetMatch',
  'signerMetricsMismatches',
] as const;

/** Counters labelled by `endpoint` only, created at 0 when the probe starts. */
export const NETWORK_COUNTERS = [
  'processed',
  'skipped',
  'undecodable',
  'hashMismatches',
  'invalidSeals',
  'proposerMismatches',
  'roundChanges',
  'setChanges',
] as const;

/** Per-validator metrics keyed by `endpoint` and `validator` (info also has `name`). */
export const PER_VALIDATOR_METRICS = [
  'lastProposed',
  'lastProposedAge',
  'proposals',
  'missedSlots',
  'windowProposals',
  'windowMissedSlots',
  'participation',
  'blocksSinceSeen',
  'isLive',
] as const;
