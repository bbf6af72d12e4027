import type { CatalogueOptions } from './options.js';

/** Alertmanager severity label. */
export type Severity = 'critical' | 'warning' | 'info';

/** The operators' runbook priority (docs/runbook.md, "Severity Levels"). */
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

/**
 * The runbook incidents alerts belong to, keyed by their heading's anchor. The first five are
 * the operators' own sections; the last two were added for chainprobe's alerts.
 */
export const INCIDENTS = {
  'network-outage': 'Network Outage',
  'validator-failure': 'Validator Failure',
  'rpc-endpoint-issues': 'RPC Endpoint Issues',
  'oracle-update-failures': 'Oracle Update Failures',
  'security-incident': 'Security Incident',
  'kubernetes-workload-issues': 'Kubernetes Workload Issues',
  'chainprobe-not-probing': 'chainprobe Not Probing',
} as const;

/** Anchor of an incident section in docs/runbook.md. */
export type Incident = keyof typeof INCIDENTS;

/** What an alert is about; also the rule group (`chainprobe.<component>`) and a label. */
export type Component =
  'chain' | 'validators' | 'rpc' | 'oracle' | 'security' | 'kubernetes' | 'chainprobe';

/** Every component, in rule-file order. */
export const COMPONENTS: readonly Component[] = [
  'chain',
  'validators',
  'rpc',
  'oracle',
  'security',
  'kubernetes',
  'chainprobe',
];

/** Stable uids of the generated Grafana dashboards. */
export type DashboardUid =
  | 'chainprobe-overview'
  | 'chainprobe-validators'
  | 'chainprobe-rpc'
  | 'chainprobe-oracle'
  | 'chainprobe-kubernetes';

/** One alert, defined once; rules, PrometheusRule, runbook links and tests derive from it. */
export interface AlertDefinition {
  /** CamelCase alert name; its runbook subsection is the heading `#### <name>`. */
  name: string;
  component: Component;
  incident: Incident;
  /** PromQL; aggregated `by` the incident's identity labels so each incident fires once. */
  expr: string;
  /** How long the condition must hold, in seconds (before --for-scale). */
  forSeconds: number;
  severity: Severity;
  priority: Priority;
  /** One line; may use `{{ $labels.x }}` and `{{ $value | humanize }}`. */
  summary: string;
  /** A few sentences: what is wrong, with the numbers. Same template rules. */
  description: string;
  /** Dashboard the alert's dashboard_url points at. */
  dashboard: DashboardUid;
}

/**
 * The block-period thresholds as numbers, for a chain with a given period: what the PromQL
 * thresholds below evaluate to (dashboard colours, runbook text, tests).
 */
export interface Thresholds {
  /** Seconds without a new head on every endpoint before ChainHalted. */
  haltSeconds: number;
  /** Mean block interval (seconds) above which blocks are slow. */
  slowIntervalSeconds: number;
  /** Blocks behind the best endpoint before RpcEndpointBehind. */
  behindBlocks: number;
}

/** The thresholds for a chain with the given block period. */
export function computeThresholds(blockPeriodSeconds: number): Thresholds {
  return {
    // QBFT round r expires after requesttimeout * 2^r: a few round changes fit in 30 periods,
    // a minute is the floor so that 1 s chains do not page for one slow round.
    haltSeconds: Math.max(60, 30 * blockPeriodSeconds),
    slowIntervalSeconds: 1.5 * blockPeriodSeconds,
    // Heads of different endpoints are sampled at different moments of a probe interval, so a
    // healthy endpoint can look several blocks behind; 30 s worth of blocks is clearly real.
    behindBlocks: Math.max(10, Math.ceil(30 / blockPeriodSeconds)),
  };
}

// The configured period, exported by every chainprobe (max: the same value everywhere), so one
// rules file serves any chain. Limitation: a chainprobe too old to export it raises none of the
// three period-based alerts.
const PERIOD = 'max(chainprobe_config_block_period_seconds)';

/** The thresholds of computeThresholds, in PromQL over chainprobe's configured block period. */
export const PERIOD_THRESHOLDS = {
  haltSeconds: `clamp_min(30 * ${PERIOD}, 60)`,
  slowIntervalSeconds: `1.5 * ${PERIOD}`,
  behindBlocks: `clamp_min(ceil(30 / ${PERIOD}), 10)`,
} as const;

/** Runbook anchor of an alert's subsection (GitHub anchor of `#### <name>`). */
export function runbookAnchorOf(alertName: string): string {
  return alertName.toLowerCase();
}

// Engine series carry `target`; endpoint-scoped alerts expose it as `endpoint`, so inhibition
// and dashboards join on one label name.
const RPC_SUCCESS =
  'label_replace(chainprobe_probe_success{kind="rpc"}, "endpoint", "$1", "target", "(.+)")';

/** Block production and node connectivity (runbook: Network Outage). */
const CHAIN_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'ChainHalted',
    component: 'chain',
    incident: 'network-outage',
    // Head unchanged on every endpoint from every location: min over all series. The gauge
    // keeps growing while an endpoint fails, so a dead network halts this too.
    // Limitation: the gauge restarts at 0 when chainprobe restarts, so a restart during a halt
    // resolves the alert until the threshold passes again.
    expr: `min(chainprobe_block_head_unchanged_seconds) > ${PERIOD_THRESHOLDS.haltSeconds}`,
    forSeconds: 30,
    severity: 'critical',
    priority: 'P0',
    summary: 'No new block on any endpoint for {{ $value | humanizeDuration }}',
    description:
      'Every endpoint chainprobe watches, from every location, has reported the same head for ' +
      '{{ $value | humanizeDuration }}, over 30 block periods (at least 60s). The chain is ' +
      'halted or unreachable: QBFT has lost quorum or every RPC path is down.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainBlocksSlow',
    component: 'chain',
    incident: 'network-outage',
    expr:
      'min(sum by (endpoint, location) (rate(chainprobe_block_interval_seconds_sum[10m])) / ' +
      'sum by (endpoint, location) (rate(chainprobe_block_interval_seconds_count[10m]))) > ' +
      `${PERIOD_THRESHOLDS.slowIntervalSeconds}`,
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'Blocks arrive every {{ $value | humanizeDuration }} on average',
    description:
      'The mean interval between blocks over 10 minutes is {{ $value | humanizeDuration }} on ' +
      'every endpoint, above 1.5 block periods. Rounds are ' +
      'timing out: a validator is offline or slow, or validators cannot reach each other.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'BesuNodeNoPeers',
    component: 'chain',
    incident: 'network-outage',
    expr: 'max by (endpoint) (chainprobe_rpc_peer_count) == 0',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Node behind endpoint {{ $labels.endpoint }} has no peers',
    description:
      'net_peerCount on {{ $labels.endpoint }} has been 0 for 5 minutes from every location. ' +
      'The node is isolated from the P2P network and cannot follow or produce blocks.',
    dashboard: 'chainprobe-rpc',
  },
];

/** JSON-RPC endpoints and Besu health (runbook: RPC Endpoint Issues). */
const RPC_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'RpcEndpointDown',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    // Down from every location (max == 0); one location alone is RpcEndpointDownFromLocation.
    expr: `max by (endpoint) (${RPC_SUCCESS}) == 0`,
    forSeconds: 120,
    severity: 'critical',
    priority: 'P1',
    summary: 'RPC endpoint {{ $labels.endpoint }} is down',
    description:
      'The rpc probe of {{ $labels.endpoint }} has failed for 2 minutes from every location ' +
      'chainprobe runs in. Clients of this endpoint cannot read the chain or send transactions.',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointDownFromLocation',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr:
      `min by (endpoint, location) (${RPC_SUCCESS}) == 0 ` +
      `unless on (endpoint) (max by (endpoint) (${RPC_SUCCESS}) == 0)`,
    forSeconds: 600,
    severity: 'info',
    priority: 'P3',
    summary: 'RPC endpoint {{ $labels.endpoint }} is unreachable from {{ $labels.location }}',
    description:
      'The rpc probe of {{ $labels.endpoint }} fails from location {{ $labels.location }} ' +
      'but succeeds from another. Suspect the network path (DNS, firewall, gateway region), ' +
      'not the node.',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointSlow',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr:
      'min by (endpoint) (histogram_quantile(0.95, sum by (endpoint, location, le) ' +
      '(rate(chainprobe_rpc_request_duration_seconds_bucket[5m])))) > 1',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'RPC endpoint {{ $labels.endpoint }} p95 latency is {{ $value | humanizeDuration }}',
    description:
      'The 95th percentile of JSON-RPC round trips to {{ $labels.endpoint }} over 5 minutes ' +
      'is {{ $value | humanizeDuration }} from every location (threshold 1s).',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointErrors',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr:
      'min by (endpoint) (sum by (endpoint, location) ' +
      '(rate(chainprobe_rpc_errors_total{class!="rate_limited"}[5m])) / ' +
      'sum by (endpoint, location) (rate(chainprobe_rpc_requests_total[5m]))) > 0.05',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'RPC endpoint {{ $labels.endpoint }} fails {{ $value | humanizePercentage }} of calls',
    description:
      '{{ $value | humanizePercentage }} of JSON-RPC calls to {{ $labels.endpoint }} failed ' +
      'over 5 minutes from every location (threshold 5%, rate limiting excluded).',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointRateLimited',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr:
      'max by (endpoint) (sum by (endpoint, location) ' +
      '(rate(chainprobe_rpc_errors_total{class="rate_limited"}[5m]))) > 0',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P3',
    summary: 'RPC endpoint {{ $labels.endpoint }} is rate limiting chainprobe',
    description:
      '{{ $labels.endpoint }} answered HTTP 429 (or a rate-limit error) to chainprobe for 10 ' +
      'minutes. Besu itself has no rate limiter, so the gateway in front of it is throttling.',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointWrongChain',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    // Any location seeing another chain id is enough (min == 0): it may be a hijacked route.
    expr: 'min by (endpoint) (chainprobe_rpc_chain_id_match) == 0',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'RPC endpoint {{ $labels.endpoint }} serves the wrong chain',
    description:
      'eth_chainId on {{ $labels.endpoint }} does not return the configured chain id. Clients ' +
      'may sign transactions for another network.',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointBehind',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr: `min by (endpoint) (chainprobe_block_behind_blocks) > on () group_left ${PERIOD_THRESHOLDS.behindBlocks}`,
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'RPC endpoint {{ $labels.endpoint }} is {{ $value }} blocks behind',
    description:
      'The head of {{ $labels.endpoint }} is {{ $value }} blocks below the best endpoint ' +
      'from every location (threshold: 30 s of blocks, at least 10). Its clients read stale ' +
      'state.',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'RpcEndpointForked',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr: 'min by (endpoint) (chainprobe_block_hash_agreement) == 0',
    forSeconds: 120,
    severity: 'critical',
    priority: 'P1',
    summary: 'RPC endpoint {{ $labels.endpoint }} is on a different fork',
    description:
      'The block hash {{ $labels.endpoint }} returns at the common height differs from the ' +
      'majority of endpoints. QBFT has immediate finality, so this node has a corrupt or ' +
      'foreign chain.',
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'BesuNotReady',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr: 'max by (endpoint) (chainprobe_besu_health_up{check="readiness"}) == 0',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Besu behind {{ $labels.endpoint }} reports not ready',
    description:
      "Besu's /readiness on {{ $labels.endpoint }} has answered 503 DOWN for 5 minutes: too " +
      'few peers or too many blocks behind. Kubernetes takes not-ready pods out of Services.',
    dashboard: 'chainprobe-rpc',
  },
];

/** QBFT validators, quorum and rounds, from the validators probe. */
const VALIDATOR_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'ValidatorDown',
    component: 'validators',
    incident: 'validator-failure',
    // Down in the view of every followed endpoint and location (max == 0): nodes store
    // different seal sets, so one view alone may miss a validator's seals.
    expr: 'max by (validator) (chainprobe_validators_validator_live) == 0',
    forSeconds: 300,
    severity: 'critical',
    priority: 'P1',
    summary: 'Validator {{ $labels.validator }} is not taking part in consensus',
    description:
      'Validator {{ $labels.validator }} neither sealed enough blocks nor proposed one over ' +
      "chainprobe's window, in every view. The network runs with one validator less.",
    dashboard: 'chainprobe-validators',
  },
  {
    name: 'ValidatorMissingSlots',
    component: 'validators',
    incident: 'validator-failure',
    expr: 'min by (validator) (increase(chainprobe_validators_missed_slots_total[15m])) > 2',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Validator {{ $labels.validator }} missed {{ $value | humanize }} proposer slots',
    description:
      'Rounds in which {{ $labels.validator }} was the designated proposer expired ' +
      '{{ $value | humanize }} times in 15 minutes. Each costs a round-change timeout: the ' +
      'node is slow, isolated or down when its turn comes.',
    dashboard: 'chainprobe-validators',
  },
  {
    name: 'ValidatorNotSealing',
    component: 'validators',
    incident: 'validator-failure',
    expr: 'max by (validator) (chainprobe_validators_seal_participation_ratio) < 0.25',
    forSeconds: 900,
    severity: 'warning',
    priority: 'P2',
    summary: 'Validator {{ $labels.validator }} seals {{ $value | humanizePercentage }} of blocks',
    description:
      'The commit seal of {{ $labels.validator }} is in only {{ $value | humanizePercentage }} ' +
      'of the blocks it had to seal, in every view. Its COMMIT messages arrive after quorum ' +
      'or not at all: a slow, overloaded or badly connected node.',
    dashboard: 'chainprobe-validators',
  },
  {
    name: 'QbftQuorumMarginZero',
    component: 'validators',
    incident: 'network-outage',
    // Best view (max): the margin is low only if no endpoint sees more live validators.
    expr: 'max(chainprobe_validators_fault_margin) <= 0',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'QBFT quorum margin is {{ $value }}: one more validator failure halts the chain',
    description:
      'Live validators minus quorum is {{ $value }}. At 0 the chain still commits blocks, but ' +
      'any further validator failure stops block production; below 0 it has stopped.',
    dashboard: 'chainprobe-validators',
  },
  {
    name: 'QbftQuorumMarginLow',
    component: 'validators',
    incident: 'network-outage',
    // Margin 1 is full health for 4-6 validators (fault tolerance 1), so it only warns when
    // the set was designed to tolerate more.
    expr:
      'max(chainprobe_validators_fault_margin) == 1 and on () ' +
      'max(chainprobe_validators_fault_tolerance) > 1',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'QBFT quorum margin is down to 1',
    description:
      'Only one more validator may fail before quorum is at stake, although the validator set ' +
      'is designed to tolerate more: several validators are down.',
    dashboard: 'chainprobe-validators',
  },
  {
    name: 'QbftRoundChanges',
    component: 'validators',
    incident: 'network-outage',
    expr:
      'min(sum by (endpoint, location) (rate(chainprobe_validators_round_changes_total[15m])) ' +
      '/ sum by (endpoint, location) ' +
      '(rate(chainprobe_validators_blocks_processed_total[15m]))) > 0.05',
    forSeconds: 900,
    severity: 'warning',
    priority: 'P2',
    summary: '{{ $value | humanizePercentage }} of blocks need a QBFT round change',
    description:
      '{{ $value | humanizePercentage }} of the blocks of the last 15 minutes were committed ' +
      'in a round above 0 (threshold 5%). Proposers time out: look for a validator that is ' +
      'down or missing slots.',
    dashboard: 'chainprobe-validators',
  },
];

const ROLE = (role: string) => `max by (endpoint) (chainprobe_endpoint_info{role="${role}"})`;

// The gateway's backends are the `rpc` endpoints (validators answer too, but sit behind no
// gateway). Healthy: one of them answers chainprobe directly; only where no chainprobe probes
// any rpc endpoint, every rpc pod Ready in Kubernetes.
const BACKENDS_HEALTHY =
  `count(max by (endpoint) (${RPC_SUCCESS}) == 1 and on (endpoint) ${ROLE('rpc')}) > 0 or ` +
  `(min(chainprobe_kube_pod_ready{component="rpc"}) == 1 unless on () count(${ROLE('rpc')}) > 0)`;

/** The gateway in front of the RPC nodes, told apart by chainprobe_endpoint_info. */
const GATEWAY_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'GatewayFailingBackendsHealthy',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    // The gateway fails from every location while some RPC node answers directly: the fault is
    // in the gateway (routing, TLS, WAF, rate limits), not in Besu.
    expr:
      `max by (endpoint) (${RPC_SUCCESS}) == 0 and on (endpoint) ${ROLE('gateway')} ` +
      `and on () (${BACKENDS_HEALTHY})`,
    forSeconds: 120,
    severity: 'critical',
    priority: 'P1',
    summary: 'Gateway {{ $labels.endpoint }} fails while RPC nodes answer',
    description:
      'The gateway {{ $labels.endpoint }} has failed the rpc probe for 2 minutes from every ' +
      'location while RPC nodes answer chainprobe directly or all rpc pods are Ready. Its ' +
      'users are cut off although the nodes are healthy.',
    dashboard: 'chainprobe-rpc',
  },
];

const FEED_STATE = 'chainprobe_oracle_feed_state';

/** Price feeds, the publisher account and its circuit breaker (Oracle Update Failures). */
const ORACLE_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'OracleStale',
    component: 'oracle',
    incident: 'oracle-update-failures',
    // Value: wall-clock age of the latest round, for feeds chainprobe judges stale everywhere.
    expr:
      'min by (feed) (chainprobe_oracle_update_age_seconds) and on (feed) ' +
      `(min by (feed) (${FEED_STATE}{state="stale"}) == 1)`,
    forSeconds: 120,
    severity: 'critical',
    priority: 'P1',
    summary: 'Oracle feed {{ $labels.feed }} was last updated {{ $value | humanizeDuration }} ago',
    description:
      'The latest round of feed {{ $labels.feed }} is older than its heartbeat plus grace ' +
      '({{ $value | humanizeDuration }} old). Contracts reading it get a stale price or revert.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'OracleInvalidAnswer',
    component: 'oracle',
    incident: 'oracle-update-failures',
    // Any location reading a bad answer is enough: it is on-chain data.
    expr:
      `max by (feed, state) (${FEED_STATE}` +
      '{state=~"answer_not_positive|answer_out_of_bounds|future_update"}) == 1',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'Oracle feed {{ $labels.feed }} has an invalid answer ({{ $labels.state }})',
    description:
      'The latest round of feed {{ $labels.feed }} is {{ $labels.state }}: a zero or negative ' +
      'price, a price outside the configured bounds, or an update time in the future. ' +
      'Consumers may act on a wrong price.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'OracleFeedUnreadable',
    component: 'oracle',
    incident: 'oracle-update-failures',
    expr: `min by (feed, state) (${FEED_STATE}{state=~"no_data|reverted"}) == 1`,
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Oracle feed {{ $labels.feed }} cannot be read ({{ $labels.state }})',
    description:
      'latestRoundData() on feed {{ $labels.feed }} reverts or returns no round. The address ' +
      'may be wrong, the proxy may point at a new aggregator, or the feed was never written.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'OracleAnswerStalled',
    component: 'oracle',
    incident: 'oracle-update-failures',
    expr: `min by (feed) (${FEED_STATE}{state="stalled_answer"}) == 1`,
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Oracle feed {{ $labels.feed }} repeats the same answer',
    description:
      'Feed {{ $labels.feed }} gets fresh rounds but its answer has not changed for more than ' +
      'the configured number of heartbeats: the publisher may be relaying a frozen data source.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'BreakerOpen',
    component: 'oracle',
    incident: 'oracle-update-failures',
    expr: 'min by (source) (chainprobe_breaker_open_seconds) > 300',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'Circuit breaker {{ $labels.source }} open for {{ $value | humanizeDuration }}',
    description:
      'The oracle publisher circuit breaker {{ $labels.source }} left closed ' +
      '{{ $value | humanizeDuration }} ago and has not closed since. That replica publishes ' +
      'nothing; feeds go stale once their heartbeat passes.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'BreakerFlapping',
    component: 'oracle',
    incident: 'oracle-update-failures',
    expr:
      'max by (source) (sum by (source, location) ' +
      '(increase(chainprobe_breaker_transitions_total{to="open"}[30m]))) > 2',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Circuit breaker {{ $labels.source }} opened {{ $value | humanize }} times in 30m',
    description:
      'Breaker {{ $labels.source }} keeps opening and closing again: its calls fail ' +
      'intermittently (RPC errors, gas, nonce races). Updates are delayed each time it opens.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'BreakerStateUnknown',
    component: 'oracle',
    incident: 'oracle-update-failures',
    expr: 'min by (source) (chainprobe_breaker_state{state="unknown"}) == 1',
    forSeconds: 600,
    severity: 'info',
    priority: 'P3',
    summary: 'State of circuit breaker {{ $labels.source }} cannot be read',
    description:
      'chainprobe cannot read or map the state of breaker {{ $labels.source }} from any ' +
      'location. An open breaker would go unnoticed until feeds turn stale.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'PublisherLowFunds',
    component: 'oracle',
    incident: 'oracle-update-failures',
    // Either chainprobe's own verdict (thresholds per account in its config) or, without
    // configured thresholds, less than three days of runway at the measured spend rate.
    expr:
      'min by (publisher) (chainprobe_publisher_runway_seconds) < 259200 or ' +
      'max by (publisher) (label_replace(chainprobe_probe_last_error' +
      '{kind="publisher",class="low_balance"}, "publisher", "$1", "target", "(.+)")) == 1',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'Oracle publisher {{ $labels.publisher }} is low on funds',
    description:
      'The account of publisher {{ $labels.publisher }} is below its configured balance or ' +
      'runway, or will run dry within three days at its current spend. Without gas it stops ' +
      'publishing and every feed it writes goes stale.',
    dashboard: 'chainprobe-oracle',
  },
  {
    name: 'PublisherStuckTransaction',
    component: 'oracle',
    incident: 'oracle-update-failures',
    expr:
      'min by (publisher) (chainprobe_publisher_nonce_gap) > 0 and on (publisher) ' +
      'min by (publisher) (chainprobe_publisher_nonce_unchanged_seconds) > 300',
    forSeconds: 120,
    severity: 'warning',
    priority: 'P2',
    summary: 'Oracle publisher {{ $labels.publisher }} has {{ $value }} transaction(s) stuck',
    description:
      'Publisher {{ $labels.publisher }} has {{ $value }} pending transaction(s) and none of ' +
      'its transactions was mined for 5 minutes. Later updates queue behind the stuck nonce.',
    dashboard: 'chainprobe-oracle',
  },
];

const SPENT = 'chainprobe_security_account_spent_ether';
const LIMIT = 'chainprobe_security_account_spend_limit_ether';
const ACCOUNT_EVENTS = (cls: string) =>
  `max by (account) (increase(chainprobe_security_account_events_total{class="${cls}"}[30m])) > 0`;

/** The security probe's signals, under the operators' Security Incident section. */
const SECURITY_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'SecurityPrivilegedMethodExposed',
    component: 'security',
    incident: 'security-incident',
    // max_over_time: a load balancer over mixed backends exposes the method on some requests
    // only, and the gauge then alternates between runs.
    expr:
      'max by (endpoint, method) ' +
      '(max_over_time(chainprobe_security_method_exposed[15m])) == 1',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'Public endpoint {{ $labels.endpoint }} serves {{ $labels.method }}',
    description:
      'Asked with harmless parameters, the public endpoint {{ $labels.endpoint }} answered the ' +
      'privileged method {{ $labels.method }} in the last 15 minutes instead of refusing it ' +
      '(method not found/not enabled, or HTTP 4xx). Anyone who can reach the endpoint can call ' +
      'it: admin, debug and txpool methods leak node details or stall the node, vote methods ' +
      'steer validator votes.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityEndpointIdentityChanged',
    component: 'security',
    incident: 'security-incident',
    expr: 'max by (endpoint, what) (chainprobe_security_identity_changed) == 1',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'Endpoint {{ $labels.endpoint }} changed identity ({{ $labels.what }})',
    description:
      'The {{ $labels.what }} of {{ $labels.endpoint }} differs from the configured or first-seen ' +
      'value: another chain (chain_id, genesis_hash) or another TLS certificate ' +
      '(tls_fingerprint, tls_issuer) answers under its name. Suspect DNS or routing ' +
      'hijack, a wrong backend, or an unannounced certificate rotation.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityTlsCertificateExpiring',
    component: 'security',
    incident: 'security-incident',
    expr:
      'min by (endpoint) (chainprobe_security_tls_cert_expiry_timestamp_seconds) - time() ' +
      '< 14 * 86400',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'TLS certificate of {{ $labels.endpoint }} expires in {{ $value | humanizeDuration }}',
    description:
      'The certificate {{ $labels.endpoint }} presents expires in {{ $value | humanizeDuration }} ' +
      '(under 14 days). Once expired, every client that verifies TLS fails to connect.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityValidatorSetDrift',
    component: 'security',
    incident: 'security-incident',
    expr:
      'max(chainprobe_security_validator_unexpected) > 0 or ' +
      'max(chainprobe_security_validator_missing) > 0 or ' +
      'max(increase(chainprobe_security_validator_set_changes_total[30m])) > 0',
    forSeconds: 0,
    severity: 'critical',
    priority: 'P0',
    summary: 'The QBFT validator set differs from the allow-list or changed',
    description:
      'The validator set at the head holds an address off the allow-list, lacks an allow-listed ' +
      'one, or changed in the last 30 minutes. An unplanned change means validators voted one ' +
      'in or out: with a quarter of the set, an attacker can stall the chain, with two thirds ' +
      'rewrite it.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityValidatorVoteUnexpected',
    component: 'security',
    incident: 'security-incident',
    expr: 'max(chainprobe_security_validator_votes_unexpected) > 0',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: '{{ $value }} validator vote(s) against the allow-list are pending',
    description:
      '{{ $value }} pending or in-header QBFT vote(s) would add an address off the allow-list ' +
      'or drop an allow-listed validator. Once more than half of the validators vote the same ' +
      'way, the set changes.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityWatchedAccountUnexpectedTransfer',
    component: 'security',
    incident: 'security-incident',
    expr: ACCOUNT_EVENTS('unexpected_destination'),
    forSeconds: 0,
    severity: 'critical',
    priority: 'P0',
    summary: 'Watched account {{ $labels.account }} sent a transaction off its allow-list',
    description:
      'In the last 30 minutes {{ $labels.account }} sent a transaction to an address not on its ' +
      'allowedDestinations (or created a contract). Its key may be compromised; the status ' +
      'page names the destination and the transaction.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityWatchedAccountNonceUnexplained',
    component: 'security',
    incident: 'security-incident',
    expr: ACCOUNT_EVENTS('unexplained_nonce'),
    forSeconds: 0,
    severity: 'critical',
    priority: 'P1',
    summary: 'Nonce of watched account {{ $labels.account }} advanced with no transaction seen',
    description:
      'The nonce of {{ $labels.account }} rose by more than the transactions chainprobe found ' +
      'from it in the blocks it scanned in the last 30 minutes. Someone else may be sending ' +
      'with its key.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityWatchedAccountOverspend',
    component: 'security',
    incident: 'security-incident',
    expr: `max by (account) (${SPENT}) > max by (account) (${LIMIT})`,
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'Watched account {{ $labels.account }} spent {{ $value }} ether in an hour',
    description:
      'The balance of {{ $labels.account }} fell by {{ $value }} ether over the last hour, more ' +
      'than its maxSpendPerHourEther. Funds are draining faster than its normal work needs.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'SecurityContractControlDrift',
    component: 'security',
    incident: 'security-incident',
    expr: 'max by (check) (chainprobe_security_contract_drift) == 1',
    forSeconds: 0,
    severity: 'critical',
    priority: 'P0',
    summary: 'Contract control value {{ $labels.check }} changed',
    description:
      'The value behind check {{ $labels.check }} (an owner, a proxy implementation or an ' +
      'aggregator) differs from the expected or first-seen one. Whoever holds it now controls ' +
      'the contract and what it reports.',
    dashboard: 'chainprobe-overview',
  },
];

const NOT_SUCCEEDED =
  'unless on (namespace, pod) (max by (namespace, pod) (chainprobe_kube_pod_phase{phase="Succeeded"}) == 1)';

/** Pods and the Kubernetes API, from the kubernetes probe. */
const KUBERNETES_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'ValidatorPodNotReady',
    component: 'kubernetes',
    incident: 'validator-failure',
    expr: `max by (namespace, pod) (chainprobe_kube_pod_ready{component="validator"}) == 0`,
    forSeconds: 300,
    severity: 'critical',
    priority: 'P1',
    summary: 'Validator pod {{ $labels.pod }} is not ready',
    description:
      'Validator pod {{ $labels.namespace }}/{{ $labels.pod }} has not been Ready for 5 ' +
      'minutes. The network has one validator less; two more failures in a 4-validator ' +
      'network halt it.',
    dashboard: 'chainprobe-kubernetes',
  },
  {
    name: 'KubernetesPodCrashLooping',
    component: 'kubernetes',
    incident: 'kubernetes-workload-issues',
    expr:
      'max by (namespace, component, pod) ' +
      '(chainprobe_kube_container_waiting{reason="CrashLoopBackOff"}) == 1 or ' +
      'max by (namespace, component, pod) (delta(chainprobe_kube_pod_restarts[15m])) > 2',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Pod {{ $labels.pod }} ({{ $labels.component }}) is crash looping',
    description:
      'A container of {{ $labels.namespace }}/{{ $labels.pod }} is in CrashLoopBackOff or ' +
      'restarted more than twice in 15 minutes.',
    dashboard: 'chainprobe-kubernetes',
  },
  {
    name: 'KubernetesPodNotReady',
    component: 'kubernetes',
    incident: 'kubernetes-workload-issues',
    expr:
      'max by (namespace, component, pod) ' +
      `(chainprobe_kube_pod_ready{component!="validator"}) == 0 ${NOT_SUCCEEDED}`,
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'Pod {{ $labels.pod }} ({{ $labels.component }}) is not ready',
    description:
      'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been Ready for 10 minutes; its ' +
      'Service sends it no traffic.',
    dashboard: 'chainprobe-kubernetes',
  },
  {
    name: 'KubernetesApiForbidden',
    component: 'kubernetes',
    incident: 'kubernetes-workload-issues',
    expr:
      'max by (namespace, resource) (rate(chainprobe_kube_api_errors_total' +
      '{class=~"forbidden|unauthorized"}[5m])) > 0 and on (namespace, resource) ' +
      'min by (namespace, resource) (chainprobe_kube_api_up) == 0',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'chainprobe may not list {{ $labels.resource }} in {{ $labels.namespace }}',
    description:
      'The Kubernetes API answers 401/403 to chainprobe listing {{ $labels.resource }} in ' +
      '{{ $labels.namespace }}. Pod and workload series show stale values until RBAC or the ' +
      'service account token is fixed.',
    dashboard: 'chainprobe-kubernetes',
  },
];

// The canary's own account and configuration problems are not network faults.
const CANARY_OWN = 'insufficient_funds|config|internal|aborted';

/** The write-path canary: chainprobe's own transactions (kind `canary`). */
const CANARY_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'CanaryNotIncluded',
    component: 'chain',
    incident: 'network-outage',
    // Newest success from any location (max): one location getting transactions in is enough
    // to show the chain accepts them. The success timestamp is absent until a canary's first
    // inclusion, so with no success anywhere the clock runs from the earliest start (`or`
    // matches on probe, the only label either side keeps). Both look back an hour through
    // Prometheus' own samples, so a restart or reload (which forgets the success and restarts
    // the canary) neither resets the clock nor, in a loop, hides the fault for good. The `and`
    // keeps the alert to canaries that still exist: a probe removed from the configuration
    // leaves its old success timestamp in that hour.
    expr:
      'time() - (max by (probe) ' +
      '(max_over_time(chainprobe_canary_last_success_timestamp_seconds[1h])) or min by (probe) ' +
      '(min_over_time(chainprobe_canary_started_timestamp_seconds[1h]))) > 900 and on (probe) ' +
      'max by (probe) (max_over_time(chainprobe_canary_started_timestamp_seconds[10m]))',
    forSeconds: 60,
    severity: 'critical',
    priority: 'P1',
    summary: 'No canary transaction was included for {{ $value | humanizeDuration }}',
    description:
      "chainprobe's canary ({{ $labels.probe }}) has got no transaction included for " +
      '{{ $value | humanizeDuration }}, from any location (counted from its start if it never ' +
      'got one in). Blocks may still be produced, but transactions do not get in: users cannot ' +
      'transact.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'CanaryTransactionsFailing',
    component: 'rpc',
    incident: 'rpc-endpoint-issues',
    expr:
      'min by (probe, class) (chainprobe_probe_last_error' +
      `{kind="canary",class!~"${CANARY_OWN}"}) == 1`,
    forSeconds: 600,
    severity: 'warning',
    priority: 'P2',
    summary: 'Canary transactions fail with {{ $labels.class }}',
    description:
      'Runs of the canary {{ $labels.probe }} have failed with class {{ $labels.class }} for 10 ' +
      'minutes from every location: the node refuses, underprices, drops or never includes ' +
      "chainprobe's transaction.",
    dashboard: 'chainprobe-rpc',
  },
  {
    name: 'CanaryInclusionSlow',
    component: 'chain',
    incident: 'network-outage',
    expr:
      'min by (probe) (histogram_quantile(0.95, sum by (probe, location, le) ' +
      '(rate(chainprobe_canary_inclusion_seconds_bucket[30m])))) > on () group_left ' +
      `5 * ${PERIOD}`,
    forSeconds: 900,
    severity: 'warning',
    priority: 'P2',
    summary: 'Canary transactions take {{ $value | humanizeDuration }} to be included (p95)',
    description:
      'The 95th percentile time from sending a canary transaction to its block is ' +
      '{{ $value | humanizeDuration }} over 30 minutes, from every location (threshold: 5 ' +
      'block periods). Transactions wait in the pool: full blocks, low fees or slow gossip.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'CanaryOutOfFunds',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr: 'max by (probe) (chainprobe_probe_last_error{kind="canary",class="insufficient_funds"}) == 1',
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Canary {{ $labels.probe }} is out of funds and sends nothing',
    description:
      'The canary account is below its minBalanceEther or cannot pay the fee, so chainprobe ' +
      'stopped sending transactions: the write path is no longer checked.',
    dashboard: 'chainprobe-overview',
  },
];

/** chainprobe watching itself (runbook: chainprobe Not Probing). */
const CHAINPROBE_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'ChainprobeAbsent',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr: 'absent(chainprobe_build_info)',
    forSeconds: 300,
    severity: 'critical',
    priority: 'P1',
    summary: 'No chainprobe is reporting',
    description:
      'Prometheus has no chainprobe_build_info series from any chainprobe instance. Every ' +
      'other chainprobe alert is blind until this is fixed.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainprobeProbesStalled',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    // No run for three of the task's configured intervals, and at least 10 minutes (so a
    // restart or a slow first run never pages).
    expr:
      'time() - max by (location, probe, target) ' +
      '(chainprobe_probe_last_run_timestamp_seconds) > on (location, probe, target) ' +
      'clamp_min(3 * max by (location, probe, target) (chainprobe_probe_interval_seconds), 600)',
    forSeconds: 120,
    severity: 'warning',
    priority: 'P2',
    summary:
      'Probe {{ $labels.probe }}/{{ $labels.target }} last ran {{ $value | humanizeDuration }} ago',
    description:
      'chainprobe in {{ $labels.location }} last finished a run of probe {{ $labels.probe }} ' +
      'against {{ $labels.target }} {{ $value | humanizeDuration }} ago, over three of its ' +
      'usual intervals (at least 10 minutes). Its scheduler is stuck or the probe was left ' +
      'out of a reload.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainprobeScheduleLagHigh',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr:
      'histogram_quantile(0.95, sum by (location, instance, le) ' +
      '(rate(chainprobe_probe_schedule_lag_seconds_bucket[10m]))) > 1',
    forSeconds: 900,
    severity: 'warning',
    priority: 'P3',
    summary:
      'chainprobe in {{ $labels.location }} starts probes {{ $value | humanizeDuration }} late',
    description:
      'The 95th percentile delay between a probe run being due and starting is ' +
      '{{ $value | humanizeDuration }} on {{ $labels.instance }}: runs wait for a concurrency ' +
      'slot. Raise global.concurrency or lengthen intervals.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainprobeRunsSkipped',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr: 'sum by (location, probe) (rate(chainprobe_probe_skipped_total[10m])) > 0',
    forSeconds: 900,
    severity: 'info',
    priority: 'P3',
    summary: 'Probe {{ $labels.probe }} in {{ $labels.location }} skips runs',
    description:
      'Runs of probe {{ $labels.probe }} were skipped over 15 minutes because the previous run ' +
      'had not finished. Its measurements are sparser than configured.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainprobeNotReady',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr: 'max by (location, instance) (chainprobe_ready) == 0',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P3',
    summary: 'chainprobe {{ $labels.instance }} has not completed a first cycle',
    description:
      'chainprobe in {{ $labels.location }} reports not ready for 10 minutes: at least one ' +
      'probe task has never finished a run.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainprobeConfigReloadFailed',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr: 'max by (location, instance) (chainprobe_config_last_reload_successful) == 0',
    forSeconds: 60,
    severity: 'warning',
    priority: 'P3',
    summary: 'chainprobe {{ $labels.instance }} rejected its new configuration',
    description:
      'The last configuration reload in {{ $labels.location }} failed validation; the previous ' +
      'configuration keeps running.',
    dashboard: 'chainprobe-overview',
  },
  {
    name: 'ChainprobeInternalErrors',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr:
      'sum by (location, probe, kind) ' +
      '(rate(chainprobe_probe_failures_total{class=~"internal|config"}[10m])) > 0',
    forSeconds: 600,
    severity: 'warning',
    priority: 'P3',
    summary: 'Probe {{ $labels.probe }} fails with internal or configuration errors',
    description:
      'Runs of probe {{ $labels.probe }} ({{ $labels.kind }}) in {{ $labels.location }} fail ' +
      'with class internal or config: a chainprobe bug or a configuration it cannot apply, ' +
      'not a network fault.',
    dashboard: 'chainprobe-overview',
  },
];

/** The scrape-health alert; `job` is the Prometheus job that scrapes chainprobe. */
function targetDownAlert(job: string): AlertDefinition {
  return {
    name: 'ChainprobeTargetDown',
    component: 'chainprobe',
    incident: 'chainprobe-not-probing',
    expr: `max by (job, instance) (up{job="${job}"}) == 0`,
    forSeconds: 300,
    severity: 'warning',
    priority: 'P2',
    summary: 'Prometheus cannot scrape chainprobe at {{ $labels.instance }}',
    description:
      'The scrape of {{ $labels.instance }} (job {{ $labels.job }}) has failed for 5 minutes. ' +
      'Network checks from that location are missing.',
    dashboard: 'chainprobe-overview',
  };
}

/** Every alert chainprobe ships, for a chain with the given options. */
export function buildAlerts(opts: Pick<CatalogueOptions, 'job'>): AlertDefinition[] {
  return [
    ...CHAIN_ALERTS,
    ...VALIDATOR_ALERTS,
    ...KUBERNETES_ALERTS.filter((a) => a.incident === 'validator-failure'),
    ...CANARY_ALERTS.filter((a) => a.component === 'chain'),
    ...RPC_ALERTS,
    ...GATEWAY_ALERTS,
    ...CANARY_ALERTS.filter((a) => a.component === 'rpc'),
    ...ORACLE_ALERTS,
    ...SECURITY_ALERTS,
    ...KUBERNETES_ALERTS.filter((a) => a.incident !== 'validator-failure'),
    ...CHAINPROBE_ALERTS,
    targetDownAlert(opts.job),
    ...CANARY_ALERTS.filter((a) => a.component === 'chainprobe'),
  ];
}
