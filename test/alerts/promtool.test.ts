import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildAlertCases } from '../../src/catalogue/alert-cases.js';
import { buildAlerts } from '../../src/catalogue/alerts.js';
import { buildDashboards } from '../../src/catalogue/dashboards.js';
import { findStaleFiles } from '../../src/catalogue/generate.js';
import { dashboardExpressions } from '../../src/catalogue/grafana.js';
import { DEFAULT_OPTIONS } from '../../src/catalogue/options.js';
import {
  PROMETHEUS_RULE_PATH,
  RULES_PATH,
  UNIT_TESTS_PATH,
  generateFiles,
} from '../../src/catalogue/outputs.js';
import { buildRuleGroups } from '../../src/catalogue/rules.js';
import { buildPromtoolTests, type PromtoolTestFile } from '../../src/catalogue/unit-tests.js';
import { substituteGrafanaVariables } from './promql.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a tool; resolves with its exit code and output instead of throwing. */
async function tool(cmd: string, args: string[], cwd = ROOT) {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, timeout: 60_000 });
    return { code: 0, out: stdout + stderr, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    const code = typeof e.code === 'number' ? e.code : -1;
    return { code, out: `${e.stdout}${e.stderr}`, stdout: e.stdout ?? '' };
  }
}

interface RulesDoc {
  groups: Array<{ name: string; rules: Array<{ alert: string }> }>;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chainprobe-alerts-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('generated files', () => {
  it('are up to date (npm run generate)', async () => {
    expect(await findStaleFiles(ROOT, generateFiles(DEFAULT_OPTIONS))).toEqual([]);
  });

  it('put the same groups in the PrometheusRule as in the rules file', async () => {
    const rules = parse(await readFile(join(ROOT, RULES_PATH), 'utf8')) as { groups: unknown };
    const cr = parse(await readFile(join(ROOT, PROMETHEUS_RULE_PATH), 'utf8')) as {
      kind: string;
      spec: { groups: unknown };
    };
    expect(cr.kind).toBe('PrometheusRule');
    expect(cr.spec.groups).toEqual(rules.groups);
  });

  it('scale every `for` with --for-scale and still pass promtool check rules', async () => {
    const files = generateFiles({ ...DEFAULT_OPTIONS, forScale: 0.05 });
    expect(files.has(UNIT_TESTS_PATH)).toBe(false);
    const text = files.get(RULES_PATH) ?? '';
    const fors = [...text.matchAll(/^\s+for: (\S+)$/gm)].map((m) => m[1]);
    expect(fors).toContain('30s'); // 10m * 0.05
    expect(fors).not.toContain('10m');
    const path = join(dir, 'scaled.rules.yml');
    await writeFile(path, text);
    const res = await tool('promtool', ['check', 'rules', path]);
    expect(res.out).toContain('SUCCESS');
  });
});

describe('promtool', () => {
  it('accepts alerts/chainprobe.rules.yml', async () => {
    const res = await tool('promtool', ['check', 'rules', RULES_PATH]);
    expect(res, res.out).toMatchObject({ code: 0 });
  });

  it('passes every unit test: each alert fires on its fault and stays silent otherwise', async () => {
    // The committed files, split into one rules file and one test file per alert: promtool
    // evaluates every rule at every step of every test group, so the split is ~10x faster and
    // still tests exactly the committed rules and cases (alerts do not depend on each other).
    const rules = parse(await readFile(join(ROOT, RULES_PATH), 'utf8')) as RulesDoc;
    const tests = parse(await readFile(join(ROOT, UNIT_TESTS_PATH), 'utf8')) as PromtoolTestFile;
    const names = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    const results = await mapLimit(names, 2, async (name) => {
      const rule = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert === name);
      await writeFile(
        join(dir, `${name}.rules.yml`),
        stringify({ groups: [{ name, rules: rule }] }),
      );
      const mine = tests.tests.filter((t) => t.alert_rule_test.every((a) => a.alertname === name));
      const file = { ...tests, rule_files: [`${name}.rules.yml`], tests: mine };
      await writeFile(join(dir, `${name}.test.yml`), stringify(file, { lineWidth: 0 }));
      const res = await tool('promtool', ['test', 'rules', `${name}.test.yml`], dir);
      return { name, groups: mine.length, code: res.code, out: res.code === 0 ? '' : res.out };
    });
    expect(results.reduce((n, r) => n + r.groups, 0)).toBe(tests.tests.length);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
  });

  it('fails the unit tests when an alert can no longer fire', async () => {
    const alerts = buildAlerts(DEFAULT_OPTIONS)
      .filter((a) => a.name === 'RpcEndpointDown')
      .map((a) => ({ ...a, expr: `(${a.expr}) and on () vector(0) > 1` }));
    const broken = { groups: buildRuleGroups(alerts, DEFAULT_OPTIONS) };
    await writeFile(join(dir, 'broken.rules.yml'), stringify(broken, { lineWidth: 0 }));
    const cases = buildAlertCases().filter((c) => c.alert === 'RpcEndpointDown');
    const tests = buildPromtoolTests(alerts, cases, DEFAULT_OPTIONS, 'broken.rules.yml');
    await writeFile(join(dir, 'broken.test.yml'), stringify(tests, { lineWidth: 0 }));
    const res = await tool('promtool', ['test', 'rules', 'broken.test.yml'], dir);
    expect(res.code).not.toBe(0);
    expect(res.out).toContain('RpcEndpointDown fires');
  });

  it('accepts every dashboard query as a recording rule (semantic check)', async () => {
    const rules = [...buildDashboards(DEFAULT_OPTIONS).values()]
      .flatMap((d) => dashboardExpressions(d))
      .map((expr, i) => ({
        record: `chainprobe:panel_${i}`,
        expr: substituteGrafanaVariables(expr),
      }));
    const path = join(dir, 'panels.rules.yml');
    await writeFile(path, stringify({ groups: [{ name: 'panels', rules }] }, { lineWidth: 0 }));
    const res = await tool('promtool', ['check', 'rules', path]);
    expect(res, res.out).toMatchObject({ code: 0 });
  });
});

describe('amtool', () => {
  const config = 'alerts/alertmanager.example.yml';

  it('accepts alerts/alertmanager.example.yml', async () => {
    const res = await tool('amtool', ['check-config', config]);
    expect(res, res.out).toMatchObject({ code: 0 });
  });

  it.each([
    {
      desc: 'p0-pages-and-posts',
      labels: ['priority=P0', 'severity=critical'],
      want: 'pager,chat',
    },
    {
      desc: 'p1-pages-and-posts',
      labels: ['priority=P1', 'severity=critical'],
      want: 'pager,chat',
    },
    { desc: 'p2-posts', labels: ['priority=P2', 'severity=warning'], want: 'chat' },
    { desc: 'p3-informs', labels: ['priority=P3', 'severity=info'], want: 'chat-info' },
  ])('routes $desc', async ({ labels, want }) => {
    const res = await tool('amtool', [
      'config',
      'routes',
      'test',
      `--config.file=${config}`,
      ...labels,
    ]);
    expect(res.stdout.trim()).toBe(want);
  });
});
