import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ErrorClass } from './error-class.js';
import type { CoreMetrics } from '../metrics/catalogue.js';
import type { GlobalConfig, EndpointConfig, ProbeCommon } from '../config/schema.js';

/** The parts of a loaded config a kind's `check` may look at. */
export interface CheckView {
  global: GlobalConfig;
  endpoints: readonly EndpointConfig[];
  /** The environment the configuration was loaded with (for kinds that read a variable). */
  env?: NodeJS.ProcessEnv;
}
import type { RpcClient } from '../rpc/client.js';

/** What one run of a probe task reports. The engine records success, duration and class. */
export interface ProbeResult {
  ok: boolean;
  /** Set when `ok` is false: the failure's class (the only part that becomes a label). */
  errorClass?: ErrorClass;
  /** A short, redacted, human-readable reason for logs and the status page. */
  detail?: string;
}

/** One schedulable unit: a probe against one target, run by the engine on its interval. */
export interface ProbeTask {
  /** Target label: an endpoint name, a feed name, `network`, ... (bounded, from config). */
  target: string;
  run(signal: AbortSignal): Promise<ProbeResult>;
}

/** A configured probe, made ready by its kind: its tasks and how to clean up after it. */
export interface ProbeInstance {
  tasks: ProbeTask[];
  /** Called when the probe leaves the configuration: delete its series, close resources. */
  dispose?(): Promise<void> | void;
}

/** Everything a probe may use. Injected, so tests can pass fakes. */
export interface ProbeContext {
  global: GlobalConfig;
  endpoints: ReadonlyMap<string, EndpointConfig>;
  core: CoreMetrics;
  registry: Registry;
  logger: Logger;
  /** Wall clock in milliseconds since the epoch. */
  now(): number;
  /** The instrumented JSON-RPC client of a configured endpoint. */
  rpc(endpoint: string): RpcClient;
}

/**
 * A probe kind: its option schema, its metrics and how to build it from config. Adding a kind
 * means a folder under src/probes/ and one line in src/probes/registry.ts.
 */
export interface ProbeKind<Options extends object = object, Metrics = unknown> {
  kind: string;
  /** One line for --help and the configuration reference. */
  description: string;
  /** Zod object schema of this kind's own options (beside the common probe fields). */
  options: z.ZodObject;
  /** Creates this kind's metrics once, in the shared registry. */
  defineMetrics(registry: Registry, global: GlobalConfig): Metrics;
  /** Optional cross-field checks against the whole config; each string is one error. */
  check?(probe: ProbeCommon & Options, config: CheckView): string[];
  /**
   * Optional: strings of this probe that must never leave the process (a key it reads from a
   * file or the environment, in every form it could be printed). Added to the log scrubber.
   */
  secrets?(probe: ProbeCommon & Options, env: NodeJS.ProcessEnv): string[];
  /** Builds a configured probe. Must not do I/O; the engine runs the tasks. */
  create(ctx: ProbeContext, probe: ProbeCommon & Options, metrics: Metrics): ProbeInstance;
}
