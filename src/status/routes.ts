import type { Express } from 'express';
import type { Daemon } from '../engine/daemon.js';
import { renderStatusPage } from './render.js';
import { readRunbook, renderMarkdown } from './runbook.js';
import { buildSnapshot, readSamples, type StatusSnapshot } from './snapshot.js';

// Only inline styles; no script, no external resource, no framing.
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; " +
  "frame-ancestors 'none'";

type Scrub = (text: string) => string;

/**
 * The current status of `daemon`: task states and the validator, feed and breaker metrics.
 * Details are redacted by the probes already; `scrub` masks configured secrets once more.
 */
export async function collectStatus(
  daemon: Daemon,
  version: string,
  scrub: Scrub = (t) => t,
): Promise<StatusSnapshot> {
  const config = daemon.currentConfig;
  return buildSnapshot({
    tasks: daemon.status.list().map((t) => ({ ...t, detail: t.detail && scrub(t.detail) })),
    samples: await readSamples(daemon.registry),
    bases: { runbookUrl: config.global.runbookUrl, grafanaUrl: config.global.grafanaUrl },
    location: config.global.location,
    version,
    ready: daemon.isReady(),
    roles: new Map(config.endpoints.map((e) => [e.name, e.role])),
    timings: new Map(
      config.probes.map((p) => [p.name, { intervalMs: p.intervalMs, timeoutMs: p.timeoutMs }]),
    ),
    now: Date.now(),
  });
}

/** Seconds between page refreshes: the shortest probe interval, between 2 and 30. */
export function refreshSecondsOf(daemon: Daemon): number {
  const { global, probes } = daemon.currentConfig;
  const shortest = Math.min(global.intervalMs, ...probes.map((p) => p.intervalMs));
  return Math.min(30, Math.max(2, Math.round(shortest / 1000)));
}

/** `?refresh=<seconds>` (0: off, at most an hour); undefined when absent or not a number. */
export function refreshOverride(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,4}$/.test(value)) return undefined;
  return Math.min(3600, Number(value));
}

/** Installs `/` (the status page), `/api/status` (its JSON) and `/docs/runbook.md`. */
export function statusRoutes(
  daemon: Daemon,
  version: string,
  scrub: Scrub = (t) => t,
): (app: Express) => void {
  return (app) => {
    app.get('/', async (req, res) => {
      const refresh = refreshOverride(req.query.refresh) ?? refreshSecondsOf(daemon);
      const page = renderStatusPage(await collectStatus(daemon, version, scrub), refresh);
      res
        .set('Content-Security-Policy', PAGE_CSP)
        .set('X-Content-Type-Options', 'nosniff')
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(page);
    });
    app.get('/api/status', async (_req, res) => {
      res.set('Cache-Control', 'no-store').json(await collectStatus(daemon, version, scrub));
    });
    app.get('/docs/runbook.md', (req, res) => {
      const text = readRunbook();
      if (text === undefined) {
        res.status(404).type('text/plain').send('docs/runbook.md is not installed\n');
        return;
      }
      res.set('X-Content-Type-Options', 'nosniff');
      // Browsers get HTML with anchors on the headings; curl and tools get the markdown.
      if (req.accepts(['text/markdown', 'text/html']) === 'text/html') {
        res.set('Content-Security-Policy', PAGE_CSP).type('html');
        res.send(renderMarkdown(text, 'chainprobe runbook'));
      } else {
        res.type('text/markdown; charset=utf-8').send(text);
      }
    });
  };
}
