import type { Logger } from 'pino';
import type { Agent } from 'undici';
import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import { clientTlsOf } from '../../config/client-tls.js';
import type { EndpointTls, ProbeCommon } from '../../config/schema.js';
import { RpcError } from '../../rpc/errors.js';
import { failure } from '../result.js';
import { classifyCallError } from '../oracle/decode.js';
import { pickEndpoint } from '../oracle/endpoint.js';
import { removeStateSet, setStateSet } from '../oracle/state-set.js';
import { decodeBoolState, decodeJsonState, decodePromState, encodeBoolCall } from './decode.js';
import { BreakerError } from './errors.js';
import { createBreakerAgent, httpGetText } from './http-get.js';
import { judgeBreaker, type BreakerMemory, type BreakerVerdict } from './judge.js';
import type { BreakerMetrics, BreakerOptions, BreakerSource } from './kind.js';
import {
  BREAKER_STATES,
  BREAKER_STATE_SET,
  NAMED_STATES,
  PAUSED_STATES,
  type BreakerState,
} from './state-map.js';

/** Reads and judges the breaker sources of one probe, remembering each between runs. */
export class BreakerWatcher {
  private readonly memory = new Map<string, BreakerMemory>();
  private readonly agent = createBreakerAgent();
  /** Agents of sources with their own `tls`, by source name, made on first use. */
  private readonly tlsAgents = new Map<string, Agent>();
  private readonly log: Logger;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeCommon & BreakerOptions,
    private readonly metrics: BreakerMetrics,
  ) {
    this.log = ctx.logger.child({ component: 'breaker', probe: probe.name });
    // Every transition series starts at 0, so the first real change shows in increase().
    for (const source of probe.sources) {
      for (const from of BREAKER_STATES) {
        for (const to of BREAKER_STATES) {
          if (from !== to) metrics.transitions.inc({ source: source.name, from, to }, 0);
        }
      }
    }
  }

  /** One run for one source: read, map, judge, export. An unreadable source is `unknown`. */
  async probeSource(source: BreakerSource, signal: AbortSignal): Promise<ProbeResult> {
    let observed: BreakerState | undefined;
    let error: unknown;
    try {
      observed = await this.read(source, signal);
    } catch (err) {
      error = err;
    }
    const verdict = judgeBreaker(this.memory.get(source.name), observed, this.ctx.now());
    this.memory.set(source.name, verdict.memory);
    this.report(source, verdict);
    if (error !== undefined) return failure(error);
    const open = verdict.openSeconds > 0 ? ` for ${Math.round(verdict.openSeconds)}s` : '';
    return { ok: true, detail: `${verdict.state}${open}` };
  }

  /** Deletes this probe's series and closes its connections; idempotent. */
  async dispose(): Promise<void> {
    if (this.agent.destroyed || this.agent.closed) return;
    for (const source of this.probe.sources) {
      const labels = { source: source.name };
      removeStateSet(this.metrics.state, labels, 'state', BREAKER_STATE_SET);
      this.metrics.openSeconds.remove(labels);
      for (const from of BREAKER_STATES)
        for (const to of BREAKER_STATES) this.metrics.transitions.remove({ ...labels, from, to });
    }
    await Promise.all([this.agent, ...this.tlsAgents.values()].map((a) => a.close()));
  }

  private agentFor(source: BreakerSource): Agent {
    const owner = source as { name: string; tls?: EndpointTls };
    if (owner.tls === undefined) return this.agent;
    let agent = this.tlsAgents.get(source.name);
    if (agent === undefined) {
      // The loader reads tls.caFile into tls.ca; clientTlsOf throws (the run fails) without it.
      agent = createBreakerAgent(clientTlsOf(owner));
      this.tlsAgents.set(source.name, agent);
    }
    return agent;
  }

  private async read(source: BreakerSource, signal: AbortSignal): Promise<BreakerState> {
    const timeoutMs = source.timeoutMs ?? this.probe.timeoutMs;
    const http = {
      signal,
      timeoutMs,
      maxBytes: this.probe.maxResponseBytes,
      dispatcher: source.type === 'contract' ? this.agent : this.agentFor(source),
    };
    switch (source.type) {
      case 'http-json':
        return decodeJsonState(
          await httpGetText(source.url, http),
          source.pointer,
          source.states ?? NAMED_STATES,
        );
      case 'prometheus':
        return decodePromState(
          await httpGetText(source.url, http),
          source,
          source.states ?? NAMED_STATES,
        );
      case 'contract':
        return decodeBoolState(
          await this.call(source, signal, timeoutMs),
          source.function,
          source.states ?? PAUSED_STATES,
        );
    }
  }

  private async call(
    source: Extract<BreakerSource, { type: 'contract' }>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<unknown> {
    const endpoint = pickEndpoint(source.endpoint, this.ctx.endpoints.values()) as string;
    const params = [{ to: source.address, data: encodeBoolCall(source.function) }, 'latest'];
    try {
      return await this.ctx.rpc(endpoint).call('eth_call', params, { signal, timeoutMs });
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      throw new BreakerError(classifyCallError(err), `${source.function}() failed`, { cause: err });
    }
  }

  private report(source: BreakerSource, v: BreakerVerdict): void {
    const labels = { source: source.name };
    setStateSet(this.metrics.state, labels, 'state', BREAKER_STATE_SET, v.state);
    this.metrics.openSeconds.set(labels, v.openSeconds);
    if (!v.transition) return;
    const { from, to } = v.transition;
    this.metrics.transitions.inc({ ...labels, from, to });
    // Transitions only: a breaker open for an hour logs once.
    if (to === 'closed') this.log.info({ source: source.name, from }, 'breaker closed');
    else this.log.warn({ source: source.name, from, to }, 'breaker state changed');
  }
}
