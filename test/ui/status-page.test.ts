import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startDevnet, type Devnet } from '../../src/devnet/devnet.js';
import { Daemon } from '../../src/engine/daemon.js';
import { closeServer, createApp, listen } from '../../src/http/server.js';
import { PROBE_KINDS } from '../../src/probes/registry.js';
import { statusRoutes } from '../../src/status/routes.js';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import { markdownHeadings } from '../alerts/runbook-anchors.js';
import { ROOT } from '../helpers/cli.js';
import { waitFor } from '../helpers/ports.js';
import { hasChromium, launchChromium } from './browser.js';

const SHOTS = join(ROOT, '.tmp');

// A stand-in Grafana: 200 for /d/<uid> when grafana/dashboards/<uid>.json is generated.
function startGrafanaStub(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const uid = /^\/d\/([a-z0-9-]+)$/.exec(req.url ?? '')?.[1];
    const found = uid !== undefined && existsSync(join(ROOT, 'grafana/dashboards', `${uid}.json`));
    res.writeHead(found ? 200 : 404, { 'content-type': 'text/plain' }).end(found ? uid : 'no');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }),
  );
}

function configFor(devnet: Devnet, grafanaUrl: string): string {
  const eps = devnet.endpoints.map(
    (e) => `  - { name: ${e.name}, url: "${e.url}", role: ${e.role}, besu: true }`,
  );
  const feed = devnet.feeds[0];
  if (!feed) throw new Error('devnet has no feed');
  return `
global:
  blockPeriodSeconds: 1
  location: ui-test
  intervalMs: 1000
  timeoutMs: 950
  jitter: 0
  grafanaUrl: "${grafanaUrl}/"
endpoints:
${eps.join('\n')}
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
  - { name: validators, kind: validators, endpoint: rpc-0, window: 6, maxCatchUpBlocks: 16 }
  - name: oracle
    kind: oracle
    feeds: [{ name: ETH-USD, address: "${feed.address}", heartbeatSeconds: ${feed.heartbeatSeconds} }]
  - name: breaker
    kind: breaker
    sources:
      - { name: publisher-0, type: http-json, url: "${devnet.publisher.breakerJsonUrl}", pointer: /breaker/state }
`;
}

/** The little of the DOM the page functions below touch. */
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null;
}

async function hrefsOn(page: Page): Promise<string[]> {
  return page.$$eval('a[href]', (as) => as.map((a) => (a as unknown as { href: string }).href));
}

describe.skipIf(!hasChromium())('the status page in headless Chromium', () => {
  let devnet: Devnet;
  let grafana: { server: Server; url: string };
  let daemon: Daemon;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [devnet, grafana, browser] = await Promise.all([
      startDevnet({ blockPeriodSeconds: 1, kube: false, logger: pino({ level: 'silent' }) }),
      startGrafanaStub(),
      launchChromium(),
    ]);
    const config = parseConfig(configFor(devnet, grafana.url), PROBE_KINDS, {});
    daemon = new Daemon({
      config,
      kinds: PROBE_KINDS,
      logger: pino({ level: 'silent' }),
      version: 'ui',
    });
    ({ server, url: base } = await listen(
      createApp(daemon, [statusRoutes(daemon, 'ui')]),
      '127.0.0.1:0',
    ));
    daemon.start();
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    if (server) await closeServer(server);
    if (grafana) await closeServer(grafana.server);
    await devnet?.stop();
  });

  it('renders every probe, the validators and the feeds of a healthy devnet', async () => {
    await waitFor(async () => {
      const s = (await (await fetch(`${base}/api/status`)).json()) as StatusSnapshot;
      return s.validators !== null && s.feeds?.[0]?.state === 'ok' && s.summary.failing === 0;
    }, 30_000);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // On a loaded machine a single run can still time out; the page must show the healthy
    // state once the devnet is healthy, so load it until it does (or report what it shows).
    let verdict: string | null = null;
    let problems: string | null = null;
    await waitFor(async () => {
      // refresh=0: no self-refresh while the test reads the DOM.
      const res = await page.goto(`${base}/?refresh=0`);
      expect(res?.status()).toBe(200);
      verdict = await page.textContent('.verdict');
      problems = verdict === 'all healthy' ? null : await page.textContent('#problems');
      return verdict === 'all healthy';
    }, 20_000).catch(() => undefined);
    expect(verdict, problems ?? '').toBe('all healthy');
    expect(await page.title()).toContain('chainprobe · ui-test');
    const targets = await page.$$eval('#probes tbody tr', (rows) => rows.length);
    expect(targets).toBe(daemon.status.list().length);
    expect(await page.$$eval('#validators tbody tr', (r) => r.length)).toBe(
      devnet.validators.length,
    );
    expect(await page.textContent('#feeds')).toContain('ETH-USD');
    expect(await page.textContent('#breakers')).toContain('publisher-0');
    await page.screenshot({ path: join(SHOTS, 'status-healthy.png'), fullPage: true });
    await page.close();
  });

  it('shows an injected validator-down within a cycle, with links that all resolve', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/`);
    await devnet.setFault('validator-down', true, { target: 'validator-2' });
    const t0 = Date.now();
    // No manual reload: the page's own refresh has to bring the failure in.
    await page.waitForFunction(
      // The test's tsconfig has no DOM types, hence the narrow cast of the page's document.
      () => {
        const doc = (globalThis as unknown as { document: PageDocument }).document;
        return doc.querySelector('#problems')?.textContent?.includes('validator-2') ?? false;
      },
      undefined,
      { timeout: 15_000, polling: 200 },
    );
    const seenAfterMs = Date.now() - t0;
    console.log(`validator-down visible on the status page after ${seenAfterMs} ms`);
    // One probe interval (1 s) plus one page refresh (2 s) plus the run's own timeout.
    expect(seenAfterMs).toBeLessThan(1000 + 2000 + 950 + 1500);
    // The failure came in by the page's own refresh; read the DOM on a page that holds still.
    await page.goto(`${base}/?refresh=0`);
    expect(await page.textContent('.verdict')).toMatch(/^\d+ problems?$/);
    await page.screenshot({ path: join(SHOTS, 'status-fault-phone.png') });
    await page.screenshot({ path: join(SHOTS, 'status-fault-phone-full.png'), fullPage: true });
    await page
      .locator('#validators')
      .screenshot({ path: join(SHOTS, 'status-validators-phone.png') });

    const hrefs = [...new Set(await hrefsOn(page))];
    expect(hrefs.some((h) => h.includes('/docs/runbook.md#validator-failure'))).toBe(true);
    expect(hrefs.some((h) => h.startsWith(`${grafana.url}/d/chainprobe-validators`))).toBe(true);
    const anchors = new Set(
      markdownHeadings(readFileSync(join(ROOT, 'docs/runbook.md'), 'utf8')).map((h) => h.anchor),
    );
    for (const href of hrefs) {
      const url = new URL(href);
      const res = await fetch(url, { headers: { accept: 'text/html' } });
      expect(res.status, href).toBe(200);
      if (url.pathname === '/docs/runbook.md' && url.hash) {
        expect(anchors.has(url.hash.slice(1)), `${href}: anchor missing from docs/runbook.md`).toBe(
          true,
        );
        // The served copy carries the anchor as an element id, so the browser lands on it.
        expect(await res.text()).toContain(`id="${url.hash.slice(1)}"`);
      }
    }
    await page.close();
  });

  it('marks the validators stale while the node they are read from is down', async () => {
    const status = async () => (await (await fetch(`${base}/api/status`)).json()) as StatusSnapshot;
    await devnet.setFault('rpc-down', true, { target: 'rpc-0' });
    try {
      let s = await status();
      await waitFor(async () => {
        s = await status();
        return s.validators?.stale?.reason === 'failing';
      }, 15_000);
      const task = s.tasks.find((t) => t.kind === 'validators');
      expect(s.validators?.stale?.errorClass).toBe(task?.errorClass);
      expect(task?.state).toBe('failing');

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${base}/?refresh=0`);
      expect(await page.textContent('#validators h2')).toBe('Validators (stale)');
      const note = (await page.textContent('#validators .stale-note')) ?? '';
      expect(note).toContain(`has failed with ${task?.errorClass ?? '?'} since`);
      expect(await page.getAttribute('#validators time', 'datetime')).toBe(
        s.validators?.stale?.since,
      );
      await page
        .locator('#validators')
        .screenshot({ path: join(SHOTS, 'status-validators-stale.png') });
      await page.close();
    } finally {
      await devnet.setFault('rpc-down', false, { target: 'rpc-0' });
    }
    await waitFor(async () => (await status()).validators?.stale === null, 15_000);
  });

  it('serves a self-contained page that refreshes itself unless told not to', async () => {
    const s = (await (await fetch(`${base}/api/status`)).json()) as StatusSnapshot;
    expect(s.tasks.length).toBeGreaterThan(0);
    const res = await fetch(`${base}/`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script|<link|src=/i);
    // The shortest probe interval is 1 s; the page refreshes no faster than every 2 s.
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
    expect(await (await fetch(`${base}/?refresh=0`)).text()).not.toContain('http-equiv');
  });
});
