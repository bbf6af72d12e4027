import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Config, ProbeConfig } from '../config/load.js';
import { clientTlsOf } from '../config/client-tls.js';
import type { EndpointConfig } from '../config/schema.js';
import { defineCoreMetrics, type CoreMetrics } from '../metrics/catalogue.js';
import { dropSeries } from '../metrics/series.js';
import { RpcClient } from '../rpc/client.js';
import type { ProbeContext, ProbeInstance, ProbeKind } from './probe-kind.js';
import { Scheduler, type RunRecord, type ScheduledTask } from './scheduler.js';
import { TaskStatusBook } from './status-book.js';

/** What the daemon needs; everything with side effects is passed in. */
export interface DaemonOptions {
  config: Config;
  kinds: readonly ProbeKind[];
  logger: Logger;
  version: string;
  now?: () => number;
}

/**
 * Owns the metric registry, the endpoint clients, the configured probes and the scheduler.
 * Metrics are created once per process; a reload swaps clients and probes and deletes the
 * series of whatever left the configuration.
 */
export class Daemon {
  readonly registry = new Registry();
  readonly core: CoreMetrics;
  readonly status = new TaskStatusBook();
  private readonly kindMetrics = new Map<string, unknown>();
  private readonly clients = new Map<string, RpcClient>();
  private readonly instances = new Map<string, { config: ProbeConfig; instance: ProbeInstance }>();
  private readonly scheduler: Scheduler;
  private config: Config;
  private endpoints = new Map<string, EndpointConfig>();
  private readonly now: () => number;

  constructor(private readonly opts: DaemonOptions) {
    this.config = opts.config;
    this.now = opts.now ?? Date.now;
    this.registry.setDefaultLabels({ location: opts.config.global.location });
    this.core = defineCoreMetrics(this.registry);
    for (const kind of opts.kinds) {
      this.kindMetrics.set(kind.kind, kind.defineMetrics(this.registry, opts.config.global));
    }
    this.core.process.buildInfo.set({ version: opts.version, node_version: process.version }, 1);
    this.core.process.blockPeriod.set(opts.config.global.blockPeriodSeconds);
    this.core.process.expectedChainId.set(opts.config.global.chainId);
    this.scheduler = new Scheduler({
      concurrency: opts.config.global.concurrency,
      jitter: opts.config.global.jitter,
      metrics: this.core.engine,
      logger: opts.logger.child({ component: 'engine' }),
      now: this.now,
      onRun: (record) => this.onRun(record),
    });
    this.applyEndpoints(opts.config.endpoints);
    for (const probe of opts.config.probes) this.addProbe(probe);
    this.core.process.configReloadSuccess.set(1);
    this.core.process.configReloadTimestamp.set(this.now() / 1000);
  }

  /** The configuration in force. */
  get currentConfig(): Config {
    return this.config;
  }

  /** Starts the schedules. */
  start(): void {
    this.scheduler.start();
  }

  /** Runs every probe task once (for --once); resolves with every run's record. */
  runOnce(): Promise<RunRecord[]> {
    return this.scheduler.runOnce();
  }

  /** True once every task has finished a run. */
  isReady(): boolean {
    return this.scheduler.isReady();
  }

  /**
   * Applies a new, already validated configuration: probes and endpoints that changed are
   * rebuilt, those that left are removed with their series. Global metric settings (location,
   * block period buckets, concurrency) need a restart.
   */
  async reload(next: Config): Promise<void> {
    const log = this.opts.logger;
    const oldEndpoints = this.endpoints;
    this.config = next;
    this.applyEndpoints(next.endpoints);
    const changedEndpoints = new Set(
      [...oldEndpoints]
        .filter(([n, e]) => JSON.stringify(this.endpoints.get(n)) !== JSON.stringify(e))
        .map(([n]) => n),
    );
    const wanted = new Map(next.probes.map((p) => [p.name, p]));
    for (const [name, { config }] of this.instances) {
      const want = wanted.get(name);
      const touchesChanged = (config.endpoints ?? [...oldEndpoints.keys()]).some((e) =>
        changedEndpoints.has(e),
      );
      if (!want || JSON.stringify(want) !== JSON.stringify(config) || touchesChanged)
        await this.removeProbe(name);
    }
    for (const probe of next.probes) if (!this.instances.has(probe.name)) this.addProbe(probe);
    for (const name of changedEndpoints) await this.dropEndpoint(name);
    this.core.process.configReloadSuccess.set(1);
    this.core.process.configReloadTimestamp.set(this.now() / 1000);
    log.info(
      { probes: next.probes.length, endpoints: next.endpoints.length },
      'configuration reloaded',
    );
  }

  /** Marks a rejected reload (the old configuration keeps running). */
  rejectReload(): void {
    this.core.process.configReloadSuccess.set(0);
  }

  /** Stops probing and closes every connection. */
  async stop(): Promise<void> {
    await this.scheduler.stop();
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }

  private context(): ProbeContext {
    return {
      global: this.config.global,
      endpoints: this.endpoints,
      core: this.core,
      registry: this.registry,
      logger: this.opts.logger,
      now: this.now,
      rpc: (name) => this.client(name),
    };
  }

  private addProbe(probe: ProbeConfig): void {
    if (!probe.enabled) return;
    const kind = this.opts.kinds.find((k) => k.kind === probe.kind);
    if (!kind) throw new Error(`unknown probe kind ${probe.kind}`);
    const instance = kind.create(this.context(), probe, this.kindMetrics.get(kind.kind));
    this.instances.set(probe.name, { config: probe, instance });
    const tasks: ScheduledTask[] = instance.tasks.map((t) => ({
      ...t,
      run: t.run.bind(t),
      probe: probe.name,
      kind: probe.kind,
      intervalMs: probe.intervalMs,
      timeoutMs: probe.timeoutMs,
    }));
    this.scheduler.add(tasks);
  }

  private async removeProbe(name: string): Promise<void> {
    const found = this.instances.get(name);
    if (!found) return;
    this.scheduler.remove(name);
    this.instances.delete(name);
    this.status.forget(name);
    await found.instance.dispose?.();
    await dropSeries(this.registry, { probe: name });
  }

  private applyEndpoints(list: readonly EndpointConfig[]): void {
    this.endpoints = new Map(list.map((e) => [e.name, e]));
    const info = this.core.process.endpointInfo;
    info.reset();
    for (const e of list) {
      const labels = { endpoint: e.name, role: e.role, public: String(e.public) };
      info.set({ ...labels, validator: e.validatorAddress ?? '' }, 1);
    }
  }

  private async dropEndpoint(name: string): Promise<void> {
    const client = this.clients.get(name);
    this.clients.delete(name);
    await client?.close();
    if (!this.endpoints.has(name)) await dropSeries(this.registry, { endpoint: name });
  }

  private client(name: string): RpcClient {
    const existing = this.clients.get(name);
    if (existing) return existing;
    const ep = this.endpoints.get(name);
    if (!ep) throw new Error(`unknown endpoint ${name}`);
    const { rpc } = this.core;
    const client = new RpcClient({
      url: ep.url,
      headers: ep.headers,
      tls: clientTlsOf(ep),
      maxConnections: ep.maxConnections,
      maxResponseBytes: this.config.global.maxResponseBytes,
      onCall: ({ method, seconds, errorClass }) => {
        const labels = { endpoint: name, method };
        rpc.requests.inc(labels);
        if (seconds !== null) rpc.duration.observe(labels, seconds);
        if (errorClass) rpc.errors.inc({ ...labels, class: errorClass });
      },
    });
    this.clients.set(name, client);
    return client;
  }

  private onRun(record: RunRecord): void {
    this.status.record(record, this.now());
    const ready = this.scheduler.isReady();
    this.core.process.ready.set(ready ? 1 : 0);
  }
}
