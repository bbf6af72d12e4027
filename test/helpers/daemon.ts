import type { Server } from 'node:http';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { Daemon } from '../../src/engine/daemon.js';
import { closeServer, createApp, listen } from '../../src/http/server.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';

/** A daemon built from YAML text, optionally serving HTTP on 127.0.0.1 port 0. */
export interface TestDaemon {
  daemon: Daemon;
  url: string;
  stop(): Promise<void>;
}

/** Starts a daemon from YAML (validated by the real loader) and, if asked, its HTTP server. */
export async function startDaemon(
  yaml: string,
  opts: { http?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<TestDaemon> {
  const config = parseConfig(yaml, PROBE_KINDS, opts.env ?? {});
  const daemon = new Daemon({
    config,
    kinds: PROBE_KINDS,
    logger: pino({ level: 'silent' }),
    version: 'test',
  });
  let server: Server | undefined;
  let url = '';
  if (opts.http) {
    ({ server, url } = await listen(createApp(daemon), '127.0.0.1:0'));
  }
  daemon.start();
  return {
    daemon,
    url,
    stop: async () => {
      await daemon.stop();
      if (server) await closeServer(server);
    },
  };
}
