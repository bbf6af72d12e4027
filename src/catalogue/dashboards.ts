import { computeThresholds, runbookAnchorOf, type DashboardUid } from './alerts.js';
import {
  LOC,
  buildDashboard,
  redBelow,
  trafficLight,
  type DashboardSpec,
  type PanelLink,
  type RowSpec,
} from './grafana.js';
import type { CatalogueOptions } from './options.js';

/** Link to an alert's runbook subsection. */
export function runbookLink(opts: CatalogueOptions, alertName: string): PanelLink {
  return {
    title: `Runbook: ${alertName}`,
    url: `${opts.runbookBaseUrl}#${runbookAnchorOf(alertName)}`,
  };
}

function runbookLinks(opts: CatalogueOptions, ...alerts: string[]): PanelLink[] {
  return alerts.map((a) => runbookLink(opts, a));
}

const RPC_UP = `max by (target) (chainprobe_probe_success{kind="rpc",${LOC}})`;

function networkRow(opts: CatalogueOptions): RowSpec {
  const t = computeThresholds(opts.blockPeriodSeconds);
  return {
    title: 'Network',
    panels: [
      {
        type: 'stat',
        title: 'Chain head',
        description: 'Highest head block number any endpoint reports.',
        queries: [{ expr: `max(chainprobe_block_head_number{${LOC}})` }],
        unit: 'none',
      },
      {
        type: 'stat',
        title: 'Time since the head last moved',
        description: `Smallest head_unchanged_seconds over all endpoints; ChainHalted fires above ${t.haltSeconds}s.`,
        queries: [{ expr: `min(chainprobe_block_head_unchanged_seconds{${LOC}})` }],
        unit: 's',
        steps: trafficLight(5 * opts.blockPeriodSeconds, t.haltSeconds),
        links: runbookLinks(opts, 'ChainHalted'),
      },
      {
        type: 'stat',
        title: 'Mean block interval (10m)',
        description: `Mean time between blocks; ChainBlocksSlow fires above ${t.slowIntervalSeconds}s.`,
        queries: [
          {
            expr:
              `sum(rate(chainprobe_block_interval_seconds_sum{${LOC}}[10m])) / ` +
              `sum(rate(chainprobe_block_interval_seconds_count{${LOC}}[10m]))`,
          },
        ],
        unit: 's',
        steps: trafficLight(opts.blockPeriodSeconds * 1.1, t.slowIntervalSeconds),
        links: runbookLinks(opts, 'ChainBlocksSlow'),
      },
      {
        type: 'stat',
        title: 'RPC endpoints down',
        description: 'Endpoints whose rpc probe fails from every selected location.',
        queries: [{ expr: `count(${RPC_UP} == 0) or vector(0)` }],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: runbookLinks(opts, 'RpcEndpointDown'),
      },
      {
        type: 'stat',
        title: 'Time since a canary transaction got in',
        description:
          "Newest inclusion of chainprobe's own transaction, any location; before the first " +
          'inclusion, time since the canary started.',
        queries: [
          {
            expr:
              `time() - (max(chainprobe_canary_last_success_timestamp_seconds{${LOC}}) ` +
              `or min(chainprobe_canary_started_timestamp_seconds{${LOC}}))`,
          },
        ],
        unit: 's',
        steps: trafficLight(300, 900),
        links: runbookLinks(opts, 'CanaryNotIncluded'),
      },
      {
        type: 'table',
        title: 'Firing alerts',
        description: 'chainprobe alerts firing now; each has a runbook subsection of its name.',
        queries: [
          {
            expr: `sum by (alertname, severity, priority, component) (ALERTS{alertstate="firing",network="${opts.network}"})`,
            instant: true,
          },
        ],
        width: 24,
        height: 6,
        links: [{ title: 'Runbook', url: opts.runbookBaseUrl }],
      },
      {
        type: 'timeseries',
        title: 'Head age by endpoint',
        description: 'Wall time minus the head block timestamp, per endpoint and location.',
        queries: [
          {
            expr: `chainprobe_block_head_age_seconds{${LOC}}`,
            legend: '{{endpoint}} @ {{location}}',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'ChainHalted'),
      },
      {
        type: 'timeseries',
        title: 'Block interval (p50, p95)',
        description: 'Quantiles of the time between blocks, from block timestamps.',
        queries: [
          {
            expr: `histogram_quantile(0.5, sum by (le) (rate(chainprobe_block_interval_seconds_bucket{${LOC}}[$__rate_interval])))`,
            legend: 'p50',
          },
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(chainprobe_block_interval_seconds_bucket{${LOC}}[$__rate_interval])))`,
            legend: 'p95',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'ChainBlocksSlow'),
      },
      {
        type: 'timeseries',
        title: 'Canary transaction timings (p95)',
        description: 'Sending to acceptance by the node, and to the including block.',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(chainprobe_canary_acceptance_seconds_bucket{${LOC}}[$__rate_interval])))`,
            legend: 'accepted',
          },
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(chainprobe_canary_inclusion_seconds_bucket{${LOC}}[$__rate_interval])))`,
            legend: 'included',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'CanaryInclusionSlow', 'CanaryNotIncluded'),
      },
    ],
  };
}

function servicesRow(opts: CatalogueOptions): RowSpec {
  const dash = (uid: string) => ({ title: `Dashboard: ${uid}`, url: `/d/${uid}` });
  return {
    title: 'Consensus, oracle and pods',
    panels: [
      {
        type: 'stat',
        title: 'Quorum margin',
        description:
          'Live validators minus quorum (best view); 0: one more failure halts the chain.',
        queries: [{ expr: `max(chainprobe_validators_fault_margin{${LOC}})` }],
        unit: 'none',
        steps: [
          ['red', null],
          ['orange', 1],
          ['green', 2],
        ],
        links: [...runbookLinks(opts, 'QbftQuorumMarginZero'), dash('chainprobe-validators')],
      },
      {
        type: 'stat',
        title: 'Validators down',
        description: 'Validators not judged live in any view.',
        queries: [
          {
            expr: `count(max by (validator) (chainprobe_validators_validator_live{${LOC}}) == 0) or vector(0)`,
          },
        ],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: [...runbookLinks(opts, 'ValidatorDown'), dash('chainprobe-validators')],
      },
      {
        type: 'stat',
        title: 'Oracle feeds not ok',
        description: 'Feeds whose verdict is anything but ok, in every view.',
        queries: [
          {
            expr: `count(min by (feed) (chainprobe_oracle_feed_state{state="ok",${LOC}}) == 0) or vector(0)`,
          },
        ],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: [
          ...runbookLinks(opts, 'OracleStale', 'OracleInvalidAnswer'),
          dash('chainprobe-oracle'),
        ],
      },
      {
        type: 'stat',
        title: 'Breakers not closed',
        description: 'Publisher circuit breakers open or half-open.',
        queries: [
          {
            expr: `count(min by (source) (chainprobe_breaker_open_seconds{${LOC}}) > 0) or vector(0)`,
          },
        ],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: [...runbookLinks(opts, 'BreakerOpen'), dash('chainprobe-oracle')],
      },
      {
        type: 'stat',
        title: 'Pods not ready',
        description: 'Pods of the network namespace whose Ready condition is not True.',
        queries: [
          {
            expr: `count(max by (namespace, pod) (chainprobe_kube_pod_ready{${LOC}}) == 0) or vector(0)`,
          },
        ],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: [...runbookLinks(opts, 'KubernetesPodNotReady'), dash('chainprobe-kubernetes')],
      },
      {
        type: 'stat',
        title: 'Publisher runway',
        description: 'Shortest runway of the oracle publisher accounts.',
        queries: [{ expr: `min(chainprobe_publisher_runway_seconds{${LOC}})` }],
        unit: 's',
        steps: [
          ['red', null],
          ['orange', 259200],
          ['green', 604800],
        ],
        links: [...runbookLinks(opts, 'PublisherLowFunds'), dash('chainprobe-oracle')],
      },
    ],
  };
}

function chainprobeRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'chainprobe',
    panels: [
      {
        type: 'stat',
        title: 'chainprobe instances ready',
        description: 'Instances reporting chainprobe_ready = 1, per location.',
        queries: [{ expr: `sum by (location) (chainprobe_ready{${LOC}})`, legend: '{{location}}' }],
        unit: 'none',
        steps: redBelow(1),
        links: runbookLinks(opts, 'ChainprobeNotReady', 'ChainprobeAbsent'),
      },
      {
        type: 'stat',
        title: 'Scrape targets up',
        description: `Prometheus 'up' of job ${opts.job}.`,
        queries: [{ expr: `sum(up{job="${opts.job}"})` }],
        unit: 'none',
        steps: redBelow(1),
        links: runbookLinks(opts, 'ChainprobeTargetDown'),
      },
      {
        type: 'timeseries',
        title: 'Probe success by kind',
        description: 'Share of probe tasks whose last run succeeded.',
        queries: [
          {
            expr: `avg by (kind, location) (chainprobe_probe_success{${LOC}})`,
            legend: '{{kind}} @ {{location}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        max: 1,
      },
      {
        type: 'timeseries',
        title: 'Schedule lag p95',
        description:
          'Delay between a run being due and starting; high means too little concurrency.',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (location, le) (rate(chainprobe_probe_schedule_lag_seconds_bucket{${LOC}}[$__rate_interval])))`,
            legend: '{{location}}',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'ChainprobeScheduleLagHigh'),
      },
      {
        type: 'timeseries',
        title: 'Probe failures by class',
        description: 'Failed runs per second by error class.',
        queries: [
          {
            expr: `sum by (kind, class) (rate(chainprobe_probe_failures_total{${LOC}}[$__rate_interval]))`,
            legend: '{{kind}}: {{class}}',
          },
        ],
        unit: 'ops',
        links: runbookLinks(opts, 'ChainprobeInternalErrors'),
      },
      {
        type: 'timeseries',
        title: 'Runs in flight',
        description: 'Probe runs executing at once; near global.concurrency means runs queue.',
        queries: [
          {
            expr: `sum by (location, instance) (chainprobe_probe_runs_in_flight{${LOC}})`,
            legend: '{{location}} {{instance}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'ChainprobeScheduleLagHigh', 'ChainprobeRunsSkipped'),
      },
      {
        type: 'table',
        title: 'chainprobe builds',
        description: 'Version per instance.',
        queries: [
          {
            expr: `max by (location, instance, version, node_version) (chainprobe_build_info{${LOC}})`,
            instant: true,
          },
        ],
      },
    ],
  };
}

function overview(opts: CatalogueOptions): DashboardSpec {
  return {
    uid: 'chainprobe-overview',
    title: 'chainprobe / Overview',
    description: 'Network health at a glance, with links to the runbook.',
    rows: [networkRow(opts), servicesRow(opts), chainprobeRow(opts)],
    links: [{ title: 'Runbook', url: opts.runbookBaseUrl }],
  };
}

const EP = `endpoint=~"$endpoint",${LOC}`;

function rpcAvailabilityRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Availability',
    panels: [
      {
        type: 'timeseries',
        title: 'RPC probe success',
        description: '1 when the last rpc probe run succeeded, per endpoint and location.',
        queries: [
          {
            expr: `chainprobe_probe_success{kind="rpc",target=~"$endpoint",${LOC}}`,
            legend: '{{target}} @ {{location}}',
          },
        ],
        unit: 'none',
        min: 0,
        max: 1,
        links: runbookLinks(opts, 'RpcEndpointDown', 'RpcEndpointDownFromLocation'),
      },
      {
        type: 'timeseries',
        title: 'Chain id matches',
        description: '1 when eth_chainId equals the configured chain id.',
        queries: [
          { expr: `chainprobe_rpc_chain_id_match{${EP}}`, legend: '{{endpoint}} @ {{location}}' },
        ],
        unit: 'none',
        min: 0,
        max: 1,
        links: runbookLinks(opts, 'RpcEndpointWrongChain'),
      },
      {
        type: 'timeseries',
        title: 'Besu readiness',
        description: "Besu's /readiness: 1 UP, 0 DOWN, -1 an unrecognised answer.",
        queries: [
          {
            expr: `chainprobe_besu_health_up{check="readiness",${EP}}`,
            legend: '{{endpoint}} @ {{location}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'BesuNotReady'),
      },
      {
        type: 'timeseries',
        title: 'Peers',
        description: 'net_peerCount per endpoint.',
        queries: [
          { expr: `chainprobe_rpc_peer_count{${EP}}`, legend: '{{endpoint}} @ {{location}}' },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'BesuNodeNoPeers'),
      },
    ],
  };
}

function rpcPerformanceRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Latency and errors',
    panels: [
      {
        type: 'timeseries',
        title: 'p95 latency',
        description: 'p95 JSON-RPC round trip per endpoint and location; RpcEndpointSlow above 1s.',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (endpoint, location, le) (rate(chainprobe_rpc_request_duration_seconds_bucket{${EP}}[$__rate_interval])))`,
            legend: '{{endpoint}} @ {{location}}',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'RpcEndpointSlow'),
      },
      {
        type: 'timeseries',
        title: 'Error ratio',
        description: 'Failed calls / calls per endpoint (rate limiting excluded); alert above 5%.',
        queries: [
          {
            expr:
              `sum by (endpoint, location) (rate(chainprobe_rpc_errors_total{class!="rate_limited",${EP}}[$__rate_interval])) / ` +
              `sum by (endpoint, location) (rate(chainprobe_rpc_requests_total{${EP}}[$__rate_interval]))`,
            legend: '{{endpoint}} @ {{location}}',
          },
        ],
        unit: 'percentunit',
        links: runbookLinks(opts, 'RpcEndpointErrors'),
      },
      {
        type: 'timeseries',
        title: 'Errors by class',
        description: 'Failed calls per second by endpoint and error class.',
        queries: [
          {
            expr: `sum by (endpoint, class) (rate(chainprobe_rpc_errors_total{${EP}}[$__rate_interval]))`,
            legend: '{{endpoint}}: {{class}}',
          },
        ],
        unit: 'ops',
        links: runbookLinks(opts, 'RpcEndpointErrors', 'RpcEndpointRateLimited'),
      },
      {
        type: 'timeseries',
        title: 'Calls by method',
        description: 'JSON-RPC calls per second chainprobe makes, by method.',
        queries: [
          {
            expr: `sum by (endpoint, method) (rate(chainprobe_rpc_requests_total{${EP}}[$__rate_interval]))`,
            legend: '{{endpoint}}: {{method}}',
          },
        ],
        unit: 'ops',
      },
    ],
  };
}

function rpcConsistencyRow(opts: CatalogueOptions): RowSpec {
  const t = computeThresholds(opts.blockPeriodSeconds);
  return {
    title: 'Head consistency',
    panels: [
      {
        type: 'timeseries',
        title: 'Blocks behind the best endpoint',
        description: `RpcEndpointBehind fires above ${t.behindBlocks} blocks.`,
        queries: [
          { expr: `chainprobe_block_behind_blocks{${EP}}`, legend: '{{endpoint}} @ {{location}}' },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'RpcEndpointBehind'),
      },
      {
        type: 'timeseries',
        title: 'Block hash agreement',
        description:
          '1 when the endpoint agrees with the majority at the common height; 0 is a fork.',
        queries: [
          { expr: `chainprobe_block_hash_agreement{${EP}}`, legend: '{{endpoint}} @ {{location}}' },
        ],
        unit: 'none',
        min: 0,
        max: 1,
        links: runbookLinks(opts, 'RpcEndpointForked'),
      },
      {
        type: 'timeseries',
        title: 'Head number',
        description: 'Head block number per endpoint.',
        queries: [
          { expr: `chainprobe_block_head_number{${EP}}`, legend: '{{endpoint}} @ {{location}}' },
        ],
        unit: 'none',
      },
      {
        type: 'timeseries',
        title: 'Sync distance',
        description: 'highestBlock - currentBlock from eth_syncing.',
        queries: [
          {
            expr: `chainprobe_rpc_sync_blocks_behind{${EP}}`,
            legend: '{{endpoint}} @ {{location}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'BesuNotReady'),
      },
    ],
  };
}

function rpc(opts: CatalogueOptions): DashboardSpec {
  return {
    uid: 'chainprobe-rpc',
    title: 'chainprobe / RPC endpoints',
    description: 'Availability, latency, errors and head consistency of every JSON-RPC endpoint.',
    rows: [rpcAvailabilityRow(opts), rpcPerformanceRow(opts), rpcConsistencyRow(opts)],
    variables: [
      {
        name: 'endpoint',
        label: 'Endpoint',
        metric: 'chainprobe_rpc_requests_total',
        labelName: 'endpoint',
      },
    ],
    links: [
      { title: 'Runbook: RPC Endpoint Issues', url: `${opts.runbookBaseUrl}#rpc-endpoint-issues` },
    ],
  };
}

const VAL = `validator=~"$validator",${LOC}`;

function validatorsNetworkRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Consensus',
    panels: [
      {
        type: 'stat',
        title: 'Validators live / set size',
        description: 'Live validators (best view) and the size of the validator set.',
        queries: [
          { expr: `max(chainprobe_validators_live{${LOC}})`, legend: 'live' },
          { expr: `max(chainprobe_validators_set_size{${LOC}})`, legend: 'set' },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'ValidatorDown'),
      },
      {
        type: 'stat',
        title: 'Quorum margin',
        description: 'Live validators minus quorum: how many more may fail before the chain halts.',
        queries: [{ expr: `max(chainprobe_validators_fault_margin{${LOC}})` }],
        unit: 'none',
        steps: [
          ['red', null],
          ['orange', 1],
          ['green', 2],
        ],
        links: runbookLinks(opts, 'QbftQuorumMarginZero', 'QbftQuorumMarginLow'),
      },
      {
        type: 'stat',
        title: 'Round changes (15m)',
        description: 'Share of blocks committed in a round above 0.',
        queries: [
          {
            expr:
              `min(sum by (endpoint, location) (rate(chainprobe_validators_round_changes_total{${LOC}}[15m])) / ` +
              `sum by (endpoint, location) (rate(chainprobe_validators_blocks_processed_total{${LOC}}[15m])))`,
          },
        ],
        unit: 'percentunit',
        steps: trafficLight(0.01, 0.05),
        links: runbookLinks(opts, 'QbftRoundChanges'),
      },
      {
        type: 'stat',
        title: 'Last block round',
        description: 'Round in which the newest processed block was committed.',
        queries: [{ expr: `max(chainprobe_validators_last_round{${LOC}})` }],
        unit: 'none',
        steps: trafficLight(1, 2),
      },
      {
        type: 'timeseries',
        title: 'Round of committed blocks (p95)',
        description: 'Most blocks commit in round 0; higher rounds mean proposers timed out.',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(chainprobe_validators_block_round_bucket{${LOC}}[$__rate_interval])))`,
            legend: 'p95 round',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'QbftRoundChanges'),
      },
      {
        type: 'timeseries',
        title: 'Seals per block and quorum',
        description: 'Commit seals in the newest block against the quorum it needs.',
        queries: [
          { expr: `max(chainprobe_validators_last_block_seals{${LOC}})`, legend: 'seals' },
          { expr: `max(chainprobe_validators_quorum{${LOC}})`, legend: 'quorum' },
        ],
        unit: 'none',
      },
    ],
  };
}

function validatorsPerValidatorRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Per validator',
    panels: [
      {
        type: 'timeseries',
        title: 'Live',
        description: '1 if the validator is judged live (best view).',
        queries: [
          {
            expr: `max by (validator) (chainprobe_validators_validator_live{${VAL}})`,
            legend: '{{validator}}',
          },
        ],
        unit: 'none',
        min: 0,
        max: 1,
        links: runbookLinks(opts, 'ValidatorDown'),
      },
      {
        type: 'timeseries',
        title: 'Seal participation',
        description: 'Share of window blocks carrying its commit seal (best view).',
        queries: [
          {
            expr: `max by (validator) (chainprobe_validators_seal_participation_ratio{${VAL}})`,
            legend: '{{validator}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        max: 1,
        links: runbookLinks(opts, 'ValidatorNotSealing'),
      },
      {
        type: 'timeseries',
        title: 'Missed proposer slots (15m)',
        description: 'Designated proposer rounds of the validator that expired.',
        queries: [
          {
            expr: `min by (validator) (increase(chainprobe_validators_missed_slots_total{${VAL}}[15m]))`,
            legend: '{{validator}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'ValidatorMissingSlots'),
      },
      {
        type: 'timeseries',
        title: 'Time since last proposal',
        description: 'Wall time since the last block the validator created.',
        queries: [
          {
            expr: `min by (validator) (chainprobe_validators_last_proposed_age_seconds{${VAL}})`,
            legend: '{{validator}}',
          },
        ],
        unit: 's',
      },
      {
        type: 'table',
        title: 'Validators',
        description: 'Configured names of the validator addresses.',
        queries: [
          {
            expr: `max by (validator, name) (chainprobe_validators_validator_info{${VAL}})`,
            instant: true,
          },
        ],
        width: 24,
        height: 6,
      },
    ],
  };
}

function validators(opts: CatalogueOptions): DashboardSpec {
  return {
    uid: 'chainprobe-validators',
    title: 'chainprobe / Validators',
    description: "QBFT consensus: quorum margin, rounds, and each validator's proposals and seals.",
    rows: [validatorsNetworkRow(opts), validatorsPerValidatorRow(opts)],
    variables: [
      {
        name: 'validator',
        label: 'Validator',
        metric: 'chainprobe_validators_validator_live',
        labelName: 'validator',
      },
    ],
    links: [
      { title: 'Runbook: Validator Failure', url: `${opts.runbookBaseUrl}#validator-failure` },
    ],
  };
}

const FEED = `feed=~"$feed",${LOC}`;

function feedsRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Feeds',
    panels: [
      {
        type: 'table',
        title: 'Feed states',
        description: 'Current verdict of each feed (the state at 1), per location.',
        queries: [
          {
            expr: `max by (feed, state, location) (chainprobe_oracle_feed_state{${FEED}}) == 1`,
            instant: true,
          },
        ],
        width: 24,
        height: 6,
        links: runbookLinks(opts, 'OracleStale', 'OracleInvalidAnswer', 'OracleFeedUnreadable'),
      },
      {
        type: 'timeseries',
        title: 'Update age vs heartbeat',
        description: 'Age of the latest round (wall clock) and the feed heartbeat.',
        queries: [
          {
            expr: `min by (feed) (chainprobe_oracle_update_age_seconds{${FEED}})`,
            legend: '{{feed}} age',
          },
          {
            expr: `max by (feed) (chainprobe_oracle_heartbeat_seconds{${FEED}})`,
            legend: '{{feed}} heartbeat',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'OracleStale'),
      },
      {
        type: 'timeseries',
        title: 'Answer',
        description: 'Latest answer, scaled by decimals.',
        queries: [
          { expr: `max by (feed) (chainprobe_oracle_answer{${FEED}})`, legend: '{{feed}}' },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'OracleInvalidAnswer', 'OracleAnswerStalled'),
      },
      {
        type: 'timeseries',
        title: 'Rounds per hour',
        description: 'New rounds seen per hour, per feed.',
        queries: [
          {
            expr: `max by (feed) (increase(chainprobe_oracle_round_changes_total{${FEED}}[1h]))`,
            legend: '{{feed}}',
          },
        ],
        unit: 'none',
      },
    ],
  };
}

function publisherRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Publisher and circuit breaker',
    panels: [
      {
        type: 'timeseries',
        title: 'Breaker state',
        description: 'State of each publisher circuit breaker (the state at 1).',
        queries: [
          {
            expr: `max by (source, state) (chainprobe_breaker_state{${LOC}}) == 1`,
            legend: '{{source}}: {{state}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'BreakerOpen', 'BreakerFlapping', 'BreakerStateUnknown'),
      },
      {
        type: 'timeseries',
        title: 'Breaker open for',
        description: 'Seconds since the breaker left closed; 0 when closed.',
        queries: [
          {
            expr: `min by (source) (chainprobe_breaker_open_seconds{${LOC}})`,
            legend: '{{source}}',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'BreakerOpen'),
      },
      {
        type: 'timeseries',
        title: 'Publisher runway',
        description: 'Balance over spend rate: how long the account lasts.',
        queries: [
          {
            expr: `min by (publisher) (chainprobe_publisher_runway_seconds{${LOC}})`,
            legend: '{{publisher}}',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'PublisherLowFunds'),
      },
      {
        type: 'timeseries',
        title: 'Publisher balance',
        description: 'Balance of each publisher account, ether.',
        queries: [
          {
            expr: `min by (publisher) (chainprobe_publisher_balance_ether{${LOC}})`,
            legend: '{{publisher}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'PublisherLowFunds'),
      },
      {
        type: 'timeseries',
        title: 'Pending transactions',
        description: 'Pending minus latest nonce; with a frozen nonce, a stuck transaction.',
        queries: [
          {
            expr: `max by (publisher) (chainprobe_publisher_nonce_gap{${LOC}})`,
            legend: '{{publisher}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'PublisherStuckTransaction'),
      },
      {
        type: 'timeseries',
        title: 'Time since last mined transaction',
        description: 'Seconds since the account nonce last changed.',
        queries: [
          {
            expr: `min by (publisher) (chainprobe_publisher_nonce_unchanged_seconds{${LOC}})`,
            legend: '{{publisher}}',
          },
        ],
        unit: 's',
        links: runbookLinks(opts, 'PublisherStuckTransaction'),
      },
    ],
  };
}

function oracle(opts: CatalogueOptions): DashboardSpec {
  return {
    uid: 'chainprobe-oracle',
    title: 'chainprobe / Oracle',
    description: 'Price feed freshness and sanity, the publisher account and its circuit breaker.',
    rows: [feedsRow(opts), publisherRow(opts)],
    variables: [
      { name: 'feed', label: 'Feed', metric: 'chainprobe_oracle_feed_state', labelName: 'feed' },
    ],
    links: [
      {
        title: 'Runbook: Oracle Update Failures',
        url: `${opts.runbookBaseUrl}#oracle-update-failures`,
      },
    ],
  };
}

const NSC = `namespace=~"$namespace",${LOC}`;

function kubernetesRow(opts: CatalogueOptions): RowSpec {
  return {
    title: 'Pods and workloads',
    panels: [
      {
        type: 'stat',
        title: 'Pods not ready',
        description: 'Pods whose Ready condition is not True (completed pods included).',
        queries: [
          {
            expr: `count(max by (namespace, pod) (chainprobe_kube_pod_ready{${NSC}}) == 0) or vector(0)`,
          },
        ],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: runbookLinks(opts, 'KubernetesPodNotReady', 'ValidatorPodNotReady'),
      },
      {
        type: 'stat',
        title: 'Containers crash looping',
        description: 'Containers waiting in CrashLoopBackOff.',
        queries: [
          {
            expr: `count(max by (namespace, pod, container) (chainprobe_kube_container_waiting{reason="CrashLoopBackOff",${NSC}}) == 1) or vector(0)`,
          },
        ],
        unit: 'none',
        steps: trafficLight(1, 1),
        links: runbookLinks(opts, 'KubernetesPodCrashLooping'),
      },
      {
        type: 'stat',
        title: 'Kubernetes API reachable',
        description: 'Resources chainprobe could list at its last run (1 each).',
        queries: [
          { expr: `min by (resource) (chainprobe_kube_api_up{${NSC}})`, legend: '{{resource}}' },
        ],
        unit: 'none',
        steps: redBelow(1),
        links: runbookLinks(opts, 'KubernetesApiForbidden'),
        width: 12,
      },
      {
        type: 'table',
        title: 'Pods',
        description: 'Container restarts of every watched pod (sum over its containers).',
        queries: [
          {
            expr: `max by (namespace, component, pod) (chainprobe_kube_pod_restarts{${NSC}})`,
            instant: true,
          },
        ],
        width: 12,
        links: runbookLinks(opts, 'KubernetesPodCrashLooping'),
      },
      {
        type: 'timeseries',
        title: 'Restarts (15m)',
        description: 'Container restarts per pod over 15 minutes.',
        queries: [
          {
            expr: `max by (namespace, pod) (delta(chainprobe_kube_pod_restarts{${NSC}}[15m]))`,
            legend: '{{pod}}',
          },
        ],
        unit: 'none',
        links: runbookLinks(opts, 'KubernetesPodCrashLooping'),
      },
      {
        type: 'timeseries',
        title: 'StatefulSet replicas ready / desired',
        description: 'Ready against desired replicas of each StatefulSet.',
        queries: [
          {
            expr: `max by (statefulset) (chainprobe_kube_statefulset_replicas_ready{${NSC}})`,
            legend: '{{statefulset}} ready',
          },
          {
            expr: `max by (statefulset) (chainprobe_kube_statefulset_replicas_desired{${NSC}})`,
            legend: '{{statefulset}} desired',
          },
        ],
        unit: 'none',
      },
      {
        type: 'timeseries',
        title: 'Deployment replicas available / desired',
        description: 'Available against desired replicas of each Deployment.',
        queries: [
          {
            expr: `max by (deployment) (chainprobe_kube_deployment_replicas_available{${NSC}})`,
            legend: '{{deployment}} available',
          },
          {
            expr: `max by (deployment) (chainprobe_kube_deployment_replicas_desired{${NSC}})`,
            legend: '{{deployment}} desired',
          },
        ],
        unit: 'none',
      },
      {
        type: 'timeseries',
        title: 'Kubernetes API errors',
        description: 'Failed list calls per second by resource and class.',
        queries: [
          {
            expr: `sum by (resource, class) (rate(chainprobe_kube_api_errors_total{${NSC}}[$__rate_interval]))`,
            legend: '{{resource}}: {{class}}',
          },
        ],
        unit: 'ops',
        links: runbookLinks(opts, 'KubernetesApiForbidden'),
      },
    ],
  };
}

function kubernetes(opts: CatalogueOptions): DashboardSpec {
  return {
    uid: 'chainprobe-kubernetes',
    title: 'chainprobe / Kubernetes',
    description: 'Pods and workloads of the network namespace as chainprobe sees them.',
    rows: [kubernetesRow(opts)],
    variables: [
      {
        name: 'namespace',
        label: 'Namespace',
        metric: 'chainprobe_kube_api_up',
        labelName: 'namespace',
      },
    ],
    links: [
      {
        title: 'Runbook: Kubernetes Workload Issues',
        url: `${opts.runbookBaseUrl}#kubernetes-workload-issues`,
      },
    ],
  };
}

/** Every generated dashboard, keyed by uid. */
export function buildDashboards(
  opts: CatalogueOptions,
): Map<DashboardUid, Record<string, unknown>> {
  const specs = [overview(opts), validators(opts), rpc(opts), oracle(opts), kubernetes(opts)];
  return new Map(specs.map((s) => [s.uid as DashboardUid, buildDashboard(s)]));
}
