import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { ConfigError } from '../config/errors.js';
import { loadConfigFile, type Config } from '../config/load.js';
import type { Daemon } from '../engine/daemon.js';
import type { BasicAuthVerifier } from '../http/basic-auth.js';
import type { ReloadOutcome } from '../http/reload-route.js';
import type { Server } from '../http/server.js';
import { loadWebConfigFile, WebConfigError, type WebConfig } from '../http/web-config.js';
import { PROBE_KINDS } from '../probes/registry.js';
import { redactUrl } from '../redact.js';

/** The parts of the HTTP server a web configuration reload changes. */
export interface WebState {
  path: string;
  current: WebConfig;
  verifier: BasicAuthVerifier;
  server?: Server;
}

/** What a Reloader works on. `scrub` masks the running configuration's secrets. */
export interface ReloaderOptions {
  daemon: Daemon;
  configPath: string;
  logger: Logger;
  scrub: (text: string) => string;
  web?: WebState;
  /** Called with each applied configuration (to learn its secrets). */
  onApplied?: (config: Config) => void;
}

/**
 * Reloads the configuration file (and the web configuration, if any) on SIGHUP or
 * POST /-/reload. Everything is validated before anything is applied; a bad file keeps the
 * running configuration and sets chainprobe_config_last_reload_successful to 0. Reloads run
 * one at a time.
 */
export class Reloader {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ReloaderOptions) {}

  /** Validates and applies; resolves with the outcome, issues redacted. */
  reload(trigger: 'SIGHUP' | 'http'): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.reloadNow(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async reloadNow(trigger: string): Promise<ReloadOutcome> {
    const { daemon, logger } = this.opts;
    const issues: string[] = [];
    const config = this.tryLoad(() => loadConfigFile(this.opts.configPath, PROBE_KINDS), issues);
    const web = this.opts.web && this.tryLoad(() => this.loadWeb(), issues);
    if (issues.length > 0 || !config) {
      daemon.rejectReload();
      const shown = issues.map((i) => this.redact(i));
      logger.error(
        { trigger, issues: shown },
        'configuration reload rejected; keeping the running configuration',
      );
      return { ok: false, issues: shown };
    }
    this.opts.onApplied?.(config);
    await daemon.reload(config);
    if (web && this.opts.web) this.applyWeb(this.opts.web, web);
    logger.info({ trigger }, 'reload applied');
    return { ok: true };
  }

  private tryLoad<T>(load: () => T, issues: string[]): T | undefined {
    try {
      return load();
    } catch (err) {
      if (err instanceof ConfigError) issues.push(...err.issues);
      else if (err instanceof WebConfigError)
        issues.push(...err.issues.map((i) => `web config: ${i}`));
      else issues.push((err as Error).message);
      return undefined;
    }
  }

  private loadWeb(): WebConfig {
    const state = this.opts.web as WebState;
    const next = loadWebConfigFile(state.path);
    const was = state.current.tls;
    const changesTransport =
      Boolean(was) !== Boolean(next.tls) || was?.clientAuth !== next.tls?.clientAuth;
    if (changesTransport) {
      throw new WebConfigError('invalid', [
        'tls_server_config: turning TLS on or off or changing client_auth_type needs a restart',
      ]);
    }
    return next;
  }

  private applyWeb(state: WebState, next: WebConfig): void {
    state.verifier.setUsers(next.users);
    state.current = next;
    const tls = next.tls;
    if (tls && state.server && 'setSecureContext' in state.server) {
      // Rotated certificates (cert-manager) take effect for new connections.
      (state.server as HttpsServer).setSecureContext({
        cert: tls.cert,
        key: tls.key,
        ...(tls.ca ? { ca: tls.ca } : {}),
        minVersion: tls.minVersion,
        maxVersion: tls.maxVersion,
      });
    }
  }

  private redact(issue: string): string {
    return this.opts.scrub(issue).replace(/\bhttps?:\/\/[^\s)]+/g, (u) => redactUrl(u));
  }
}
