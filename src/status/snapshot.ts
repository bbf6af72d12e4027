import type { Registry } from 'prom-client';
import type { TaskStatus } from '../engine/status-book.js';
import { linksFor, placeOfKind, placeOfTask, type LinkBases, type ProblemLinks } from './links.js';
import { judgeSectionStale, type ProbeTiming, type StaleView } from './staleness.js';

/** One probe task as the status page shows it. Times are ISO 8601, ages in seconds. */
export interface TaskView {
  probe: string;
  kind: string;
  target: string;
  state: 'ok' | 'failing';
  errorClass: string | null;
  detail: string | null;
  lastRunAt: string;
  since: string;
  /** Seconds the task has been in its current state. */
  forSeconds: number;
  durationSeconds: number;
  /** Where the problem is explained; only on failing tasks. */
  links?: ProblemLinks;
}

/** One validator: liveness and participation over the probe's window. */
export interface ValidatorView {
  address: string;
  name: string | null;
  live: boolean | null;
  /** Seal participation ratio over the window, 0..1. */
  participation: number | null;
  windowMissedSlots: number | null;
  lastProposedAgeSeconds: number | null;
  links?: ProblemLinks;
}

/** The validator set as the validators probe judges it. */
export interface ValidatorsView {
  setSize: number | null;
  quorum: number | null;
  live: number | null;
  faultMargin: number | null;
  halted: boolean | null;
  list: ValidatorView[];
  links?: ProblemLinks;
  /** Set when the validators probe's last run failed or its data is too old; else null. */
  stale: StaleView | null;
}

/** One oracle feed: its verdict and age. */
export interface FeedView {
  feed: string;
  state: string | null;
  answer: number | null;
  ageSeconds: number | null;
  heartbeatSeconds: number | null;
  links?: ProblemLinks;
}

/** One publisher circuit breaker. */
export interface BreakerView {
  source: string;
  state: string | null;
  openSeconds: number | null;
  links?: ProblemLinks;
}

/** A problem in one line, with its links: the top of the status page. */
export interface Problem {
  section: 'probe' | 'validators' | 'feed' | 'breaker' | 'pod';
  title: string;
  detail: string | null;
  links: ProblemLinks;
}

/** Everything /api/status returns and the status page renders. */
export interface StatusSnapshot {
  generatedAt: string;
  location: string;
  version: string;
  ready: boolean;
  configReloadSuccessful: boolean;
  runbookUrl: string;
  /** Grafana overview dashboard, when global.grafanaUrl is set. */
  dashboardUrl: string | null;
  summary: { tasks: number; failing: number; problems: number };
  problems: Problem[];
  tasks: TaskView[];
  /** Null when no validators probe has reported yet (its metrics are absent). */
  validators: ValidatorsView | null;
  feeds: FeedView[] | null;
  /** Set when an oracle probe could not read its feeds lately (see staleness.ts); else null. */
  feedsStale: StaleView | null;
  breakers: BreakerView[] | null;
  /** Set when a breaker probe could not read its sources lately; else null. */
  breakersStale: StaleView | null;
}

/** One sample of a metric: labels and value. */
export interface Sample {
  labels: Readonly<Record<string, string | number>>;
  value: number;
}

/** Current samples by metric name. */
export type Samples = ReadonlyMap<string, readonly Sample[]>;

/** What a snapshot is built from; `roles` maps endpoint names to their configured role. */
export interface SnapshotInput {
  tasks: readonly TaskStatus[];
  samples: Samples;
  bases: LinkBases;
  location: string;
  version: string;
  ready: boolean;
  roles: ReadonlyMap<string, string>;
  /** Interval and timeout of each configured probe, by name: how old its data may get. */
  timings: ReadonlyMap<string, ProbeTiming>;
  /** Unix ms. */
  now: number;
}

// prom-client's metric objects, as far as they are read here (its typings omit get()).
interface Readable {
  get(): Promise<{ name: string; values: Sample[] }>;
}

const SECTION_PREFIXES = [
  'chainprobe_validators_',
  'chainprobe_oracle_',
  'chainprobe_breaker_',
  'chainprobe_kube_pod_ready',
  'chainprobe_kube_container_waiting',
];

/** Reads the current values of the metrics the status page shows from the registry. */
export async function readSamples(registry: Registry): Promise<Samples> {
  const out = new Map<string, Sample[]>();
  // Not registry.getMetricsAsJSON(): prom-client 15 writes the default labels (location) into
  // the metrics' own series objects there, after which remove() by label set (used to delete
  // the series of targets that left on reload) fails on the unknown `location` label.
  for (const metric of registry.getMetricsAsArray() as unknown as Readable[]) {
    const { name, values } = await metric.get();
    const wanted =
      SECTION_PREFIXES.some((p) => name.startsWith(p)) ||
      name === 'chainprobe_config_last_reload_successful';
    if (!wanted) continue;
    out.set(
      name,
      values.map((v) => ({ labels: { ...v.labels }, value: v.value })),
    );
  }
  return out;
}

/** Builds the snapshot: pure, from task states and metric samples. */
export function buildSnapshot(input: SnapshotInput): StatusSnapshot {
  const tasks = input.tasks.map((t) => taskView(t, input));
  const stale = judgeSectionStale(input.tasks, 'validators', input.timings, input.now);
  const validators = validatorsView(input.samples, input.bases, stale);
  const feeds = feedViews(input.samples, input.bases);
  const breakers = breakerViews(input.samples, input.bases);
  const problems = [
    ...collectProblems(tasks, validators, feeds, breakers, input.bases),
    ...podProblems(input.samples, input.bases),
  ];
  const overview = linksFor(placeOfKind('block'), input.bases).dashboard ?? null;
  const reload = input.samples.get('chainprobe_config_last_reload_successful')?.[0]?.value;
  return {
    generatedAt: new Date(input.now).toISOString(),
    location: input.location,
    version: input.version,
    ready: input.ready,
    configReloadSuccessful: reload !== 0,
    runbookUrl: input.bases.runbookUrl,
    dashboardUrl: overview,
    summary: {
      tasks: tasks.length,
      failing: tasks.filter((t) => t.state === 'failing').length,
      problems: problems.length,
    },
    problems,
    tasks,
    validators,
    feeds,
    feedsStale: judgeSectionStale(input.tasks, 'oracle', input.timings, input.now),
    breakers,
    breakersStale: judgeSectionStale(input.tasks, 'breaker', input.timings, input.now),
  };
}

function taskView(t: TaskStatus, input: SnapshotInput): TaskView {
  const place = placeOfTask(t.kind, t.errorClass, input.roles.get(t.target));
  return {
    probe: t.probe,
    kind: t.kind,
    target: t.target,
    state: t.ok ? 'ok' : 'failing',
    errorClass: t.errorClass,
    detail: t.detail,
    lastRunAt: new Date(t.lastRunAt).toISOString(),
    since: new Date(t.since).toISOString(),
    forSeconds: Math.max(0, Math.round((input.now - t.since) / 1000)),
    durationSeconds: t.durationSeconds,
    ...(t.ok ? {} : { links: linksFor(place, input.bases) }),
  };
}

function validatorsView(
  samples: Samples,
  bases: LinkBases,
  stale: StaleView | null,
): ValidatorsView | null {
  const participation = byLabel(
    samples,
    'chainprobe_validators_seal_participation_ratio',
    'validator',
  );
  const live = byLabel(samples, 'chainprobe_validators_validator_live', 'validator');
  const setSize = single(samples, 'chainprobe_validators_set_size');
  if (participation.size === 0 && live.size === 0 && setSize === null) return null;
  const names = new Map(
    (samples.get('chainprobe_validators_validator_info') ?? []).map((s) => [
      String(s.labels.validator),
      String(s.labels.name ?? ''),
    ]),
  );
  const missed = byLabel(samples, 'chainprobe_validators_window_missed_slots', 'validator');
  const age = byLabel(samples, 'chainprobe_validators_last_proposed_age_seconds', 'validator');
  const links = linksFor(placeOfKind('validators'), bases);
  const addresses = [...new Set([...participation.keys(), ...live.keys()])].sort();
  const halted = single(samples, 'chainprobe_validators_halted');
  return {
    setSize,
    quorum: single(samples, 'chainprobe_validators_quorum'),
    live: single(samples, 'chainprobe_validators_live'),
    faultMargin: single(samples, 'chainprobe_validators_fault_margin'),
    halted: halted === null ? null : halted === 1,
    list: addresses.map((address) => {
      const isLive = live.has(address) ? live.get(address) === 1 : null;
      return {
        address,
        name: names.get(address) || null,
        live: isLive,
        participation: participation.get(address) ?? null,
        windowMissedSlots: missed.get(address) ?? null,
        lastProposedAgeSeconds: age.get(address) ?? null,
        ...(isLive === false ? { links } : {}),
      };
    }),
    links,
    stale,
  };
}

function feedViews(samples: Samples, bases: LinkBases): FeedView[] | null {
  const states = currentStates(samples, 'chainprobe_oracle_feed_state', 'feed', 'state');
  const age = byLabel(samples, 'chainprobe_oracle_update_age_seconds', 'feed');
  if (states.size === 0 && age.size === 0) return null;
  const answer = byLabel(samples, 'chainprobe_oracle_answer', 'feed');
  const heartbeat = byLabel(samples, 'chainprobe_oracle_heartbeat_seconds', 'feed');
  const links = linksFor(placeOfKind('oracle'), bases);
  return [...new Set([...states.keys(), ...age.keys()])].sort().map((feed) => {
    const state = states.get(feed) ?? null;
    return {
      feed,
      state,
      answer: answer.get(feed) ?? null,
      ageSeconds: age.get(feed) ?? null,
      heartbeatSeconds: heartbeat.get(feed) ?? null,
      ...(state !== 'ok' ? { links } : {}),
    };
  });
}

function breakerViews(samples: Samples, bases: LinkBases): BreakerView[] | null {
  const states = currentStates(samples, 'chainprobe_breaker_state', 'source', 'state');
  if (states.size === 0) return null;
  const open = byLabel(samples, 'chainprobe_breaker_open_seconds', 'source');
  const links = linksFor(placeOfKind('breaker'), bases);
  return [...states.keys()].sort().map((source) => {
    const state = states.get(source) ?? null;
    return {
      source,
      state,
      openSeconds: open.get(source) ?? null,
      ...(state !== 'closed' ? { links } : {}),
    };
  });
}

function collectProblems(
  tasks: readonly TaskView[],
  validators: ValidatorsView | null,
  feeds: readonly FeedView[] | null,
  breakers: readonly BreakerView[] | null,
  bases: LinkBases,
): Problem[] {
  const out: Problem[] = [];
  for (const t of tasks) {
    if (!t.links) continue;
    const title = `${t.probe} / ${t.target}: ${t.errorClass ?? 'failing'}`;
    out.push({ section: 'probe', title, detail: t.detail, links: t.links });
  }
  if (validators) out.push(...validatorProblems(validators, bases));
  for (const f of feeds ?? []) {
    if (f.links)
      out.push({
        section: 'feed',
        title: `feed ${f.feed}: ${f.state ?? 'unknown'}`,
        detail: null,
        links: f.links,
      });
  }
  for (const b of breakers ?? []) {
    if (b.links)
      out.push({
        section: 'breaker',
        title: `breaker ${b.source}: ${b.state ?? 'unknown'}`,
        detail: null,
        links: b.links,
      });
  }
  return out;
}

// Verdicts from stale data say so. A failing probe is a problem of its own already (its task);
// one that stopped running is not, so the stale section is.
function validatorProblems(v: ValidatorsView, bases: LinkBases): Problem[] {
  const out: Problem[] = [];
  if (v.stale?.reason === 'not_running') {
    const title = `validators data stale: ${v.stale.probe} has not run since ${v.stale.since}`;
    // A probe that stopped running is chainprobe's own problem, whatever its kind.
    const links = linksFor(placeOfTask('validators', 'internal'), bases);
    out.push({ section: 'validators', title, detail: null, links });
  }
  const stale = v.stale ? ' (stale)' : '';
  if (v.links && (v.halted || (v.faultMargin ?? 0) < 0)) {
    const detail = `${v.live ?? '?'} live of ${v.setSize ?? '?'}, quorum ${v.quorum ?? '?'}`;
    const title = `validator set below quorum${stale}`;
    out.push({ section: 'validators', title, detail, links: v.links });
  }
  for (const x of v.list) {
    if (!x.links) continue;
    const title = `validator ${x.name ?? x.address} not live${stale}`;
    out.push({ section: 'validators', title, detail: x.name ? x.address : null, links: x.links });
  }
  return out;
}

// A pod the Kubernetes probe read fine can still be unhealthy: not ready, or a container
// waiting (CrashLoopBackOff, ImagePullBackOff, ...). Those are problems on the page too.
function podProblems(samples: Samples, bases: LinkBases): Problem[] {
  const links = linksFor(placeOfKind('kubernetes'), bases);
  const waiting = new Map<string, string[]>();
  for (const s of samples.get('chainprobe_kube_container_waiting') ?? []) {
    if (s.value !== 1) continue;
    const pod = String(s.labels.pod);
    waiting.set(pod, [...(waiting.get(pod) ?? []), String(s.labels.reason)]);
  }
  const notReady = (samples.get('chainprobe_kube_pod_ready') ?? [])
    .filter((s) => s.value === 0)
    .map((s) => String(s.labels.pod));
  const pods = [...new Set([...notReady, ...waiting.keys()])].sort();
  return pods.map((pod) => ({
    section: 'pod' as const,
    title: `pod ${pod}: ${notReady.includes(pod) ? 'not ready' : 'ready'}`,
    detail: waiting.has(pod) ? `waiting: ${[...new Set(waiting.get(pod))].join(', ')}` : null,
    links,
  }));
}

function single(samples: Samples, name: string): number | null {
  return samples.get(name)?.[0]?.value ?? null;
}

function byLabel(samples: Samples, name: string, label: string): Map<string, number> {
  return new Map((samples.get(name) ?? []).map((s) => [String(s.labels[label]), s.value]));
}

// A state set has one series per state; the current one is at 1.
function currentStates(
  samples: Samples,
  name: string,
  key: string,
  label: string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of samples.get(name) ?? []) {
    const id = String(s.labels[key]);
    if (s.value === 1) out.set(id, String(s.labels[label]));
    else if (!out.has(id)) out.set(id, '');
  }
  for (const [id, state] of out) if (state === '') out.set(id, 'unknown');
  return out;
}
