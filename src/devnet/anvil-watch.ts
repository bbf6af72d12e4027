import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AnvilExit, AnvilProcess } from './anvil.js';
import { ANVIL_UP, judgeAnvil, type AnvilEvent, type AnvilHealth } from './anvil-health.js';
import { DevnetError } from './devnet-error.js';
import { callRpc } from './jsonrpc.js';

/** Options of an AnvilWatch. */
export interface AnvilWatchOptions {
  anvil: Pick<AnvilProcess, 'url' | 'pid' | 'exited'>;
  logger: Logger;
  /** Health probe (eth_chainId) interval, ms, default 1000. */
  intervalMs?: number;
  /** Health probe timeout, ms, default 2000. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Watches the devnet's anvil: its exit, and a health probe each second. Logs one line per
 * transition (exited, not answering, answering again), never one per failed call.
 */
export class AnvilWatch {
  /** Rejects with DevnetError anvil-exited if anvil exits before stop(); never resolves. */
  readonly failed: Promise<never>;
  private state = ANVIL_UP;
  private readonly abort = new AbortController();
  private rejectFailed: (err: DevnetError) => void = () => undefined;

  constructor(private readonly opts: AnvilWatchOptions) {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject;
    });
    // Whoever awaits `failed` sees the rejection; nobody awaiting it is not a crash.
    this.failed.catch(() => undefined);
  }

  /** Starts watching. */
  start(): void {
    void this.opts.anvil.exited.then((exit) => this.onExit(exit));
    void this.run();
  }

  /** Stops watching: anvil exiting from now on is expected. */
  stop(): void {
    this.abort.abort();
  }

  /** up, unreachable (may recover) or exited (final). */
  get health(): AnvilHealth {
    return this.state.health;
  }

  /** Why anvil cannot serve requests now, one sentence; undefined while it is up. */
  downReason(): string | undefined {
    const { health, exit } = this.state;
    const pid = this.opts.anvil.pid;
    if (health === 'up') return undefined;
    if (health === 'unreachable') return `devnet: anvil (pid ${pid}) is not answering`;
    const how = exit?.signal ? `signal ${exit.signal}` : `code ${exit?.code ?? 'unknown'}`;
    return `devnet: anvil (pid ${pid}) exited (${how})`;
  }

  private onExit(exit: AnvilExit): void {
    if (this.abort.signal.aborted) return;
    this.apply({ kind: 'exited', exit });
    this.abort.abort();
    const reason = this.downReason() ?? 'devnet: anvil exited';
    this.rejectFailed(new DevnetError('anvil-exited', reason.replace(/^devnet: a/, 'A')));
  }

  private async run(): Promise<void> {
    const { url } = this.opts.anvil;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await sleep(this.opts.intervalMs ?? 1000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const event = await callRpc(url, 'eth_chainId', [], this.opts.timeoutMs ?? 2000).then(
        (): AnvilEvent => ({ kind: 'probe-ok' }),
        (err: unknown): AnvilEvent => ({ kind: 'probe-failed', reason: reasonOf(err) }),
      );
      if (!signal.aborted) this.apply(event);
    }
  }

  private apply(event: AnvilEvent): void {
    const { state, log } = judgeAnvil(this.state, event, (this.opts.now ?? Date.now)());
    this.state = state;
    if (log) this.opts.logger[log.level]({ anvilPid: this.opts.anvil.pid, ...log.fields }, log.msg);
  }
}

/** A short reason for a failed probe: the socket error code when there is one (ECONNREFUSED). */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return err.name === 'TimeoutError' ? 'timeout' : (err.message.split('\n')[0] ?? err.name);
}
