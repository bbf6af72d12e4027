import { Counter, Gauge, type Registry } from 'prom-client';

/** What an identity check compares: the `what` label of chainprobe_security_identity_changed. */
export const IDENTITY_FACETS = [
  'chain_id',
  'genesis_hash',
  'tls_fingerprint',
  'tls_issuer',
] as const;

/** One identity facet; see IDENTITY_FACETS. */
export type IdentityFacet = (typeof IDENTITY_FACETS)[number];

/** Event classes of a watched account: the `class` label of its counter. */
export const ACCOUNT_EVENTS = ['unexpected_destination', 'unexplained_nonce'] as const;

/** One watched-account event class; see ACCOUNT_EVENTS. */
export type AccountEvent = (typeof ACCOUNT_EVENTS)[number];

/**
 * Metrics of the `security` probe. Labels come from config (endpoint, account and check names)
 * or from fixed lists (method, what, class); never an address or anything an outsider chooses.
 * Limitation: the validator-set series carry no label, so one chainprobe watches one chain's
 * validator set; a second security probe would overwrite the first one's values.
 */
export function defineSecurityMetrics(registry: Registry) {
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: readonly string[] = []) =>
    new Gauge({ name, help, labelNames, registers });
  return {
    methodExposed: gauge(
      'chainprobe_security_method_exposed',
      '1 if the public endpoint serves the privileged method (any answer but not found/not ' +
        'enabled or HTTP 4xx), else 0.',
      ['endpoint', 'method'],
    ),
    identityChanged: gauge(
      'chainprobe_security_identity_changed',
      '1 if the endpoint chain id, genesis hash, or TLS certificate fingerprint or issuer ' +
        'differs from the expected or first-seen value, else 0.',
      ['endpoint', 'what'],
    ),
    certExpiry: gauge(
      'chainprobe_security_tls_cert_expiry_timestamp_seconds',
      'notAfter of the TLS certificate an https endpoint presents (Unix seconds).',
      ['endpoint'],
    ),
    validatorsUnexpected: gauge(
      'chainprobe_security_validator_unexpected',
      'Validators in the current set that are not on the allow-list.',
    ),
    validatorsMissing: gauge(
      'chainprobe_security_validator_missing',
      'Allow-listed validators absent from the current set.',
    ),
    validatorSetChanges: new Counter({
      name: 'chainprobe_security_validator_set_changes_total',
      help: 'Times the validator set differed from the previous observation.',
      registers,
    }),
    votesUnexpected: gauge(
      'chainprobe_security_validator_votes_unexpected',
      'Pending or in-header validator votes that would move the set away from the allow-list ' +
        '(or, without one, change the current set).',
    ),
    accountEvents: new Counter({
      name: 'chainprobe_security_account_events_total',
      help:
        'Watched-account events: a transaction to a destination off its allow-list, or nonce ' +
        'advances with no transaction seen.',
      labelNames: ['account', 'class'],
      registers,
    }),
    accountSpent: gauge(
      'chainprobe_security_account_spent_ether',
      'Balance decrease of the watched account over the last hour (ether).',
      ['account'],
    ),
    accountSpendLimit: gauge(
      'chainprobe_security_account_spend_limit_ether',
      'Configured maxSpendPerHourEther of the watched account.',
      ['account'],
    ),
    contractDrift: gauge(
      'chainprobe_security_contract_drift',
      '1 if the contract control value (owner, implementation, aggregator, slot) differs from ' +
        'the expected or first-seen value, else 0.',
      ['check'],
    ),
  };
}

/** The `security` probe's metrics object. */
export type SecurityMetrics = ReturnType<typeof defineSecurityMetrics>;
