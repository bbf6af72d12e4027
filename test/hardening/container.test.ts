import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/jsonrpc-server.js';
import { waitFor } from '../helpers/ports.js';
import { makeChain, nodeHandler } from './node.js';

// The image runs as a non-root user on a read-only root filesystem. No Docker engine here, so:
// the Dockerfile and the Deployment are checked statically, and the daemon is shown to write
// nothing to disk, statically (no write API reachable from src/main.ts) and at run time (a
// preload records every fs write while --once and a running daemon do their work).

const PRELOAD = fileURLToPath(new URL('./no-writes.mjs', import.meta.url));

/** Instructions of the Dockerfile's final stage, continuation lines joined. */
function finalStage(): Array<{ op: string; args: string }> {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const ops = lines.map((l) => {
    const [op = '', ...rest] = l.trim().split(/\s+/);
    return { op: op.toUpperCase(), args: rest.join(' ') };
  });
  const last = ops.map((o) => o.op).lastIndexOf('FROM');
  return ops.slice(last);
}

const WRITE_API = new RegExp(
  '\\b(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|mkdir|mkdirSync|' +
    'mkdtemp|mkdtempSync|rmSync|unlink|unlinkSync|rename|renameSync|copyFile|copyFileSync|' +
    'symlink|symlinkSync|truncateSync|chmod|chmodSync)\\s*\\(',
);

/** Every src file reachable from the image's entry points through relative imports. */
function reachableFromMain(): string[] {
  const seen = new Set<string>();
  const entries = ['src/main.ts', 'src/cli/healthcheck.ts'].map((f) => join(ROOT, f));
  const todo = entries.filter((f) => existsSync(f));
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
      if (existsSync(target)) todo.push(target);
    }
  }
  return [...seen].map((f) => f.slice(ROOT.length));
}

/** Runs the CLI through tsx with the write-recording preload; resolves with stderr. */
function runRecorded(
  args: string[],
  during?: (output: () => string) => Promise<void>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', PRELOAD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return (async () => {
    try {
      if (during) {
        await during(() => out);
        child.kill('SIGTERM');
      }
      return { code: await exited, output: out };
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  })();
}

let dir: string;
let node: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chainprobe-rofs-'));
  node = await startTestServer(nodeHandler(makeChain(8)));
  writeFileSync(
    join(dir, 'c.yaml'),
    `global: { intervalMs: 500, timeoutMs: 400, listen: '127.0.0.1:0' }
endpoints: [{ name: node, url: '${node.url}' }]
probes:
  - { name: rpc, kind: rpc }
  - { name: block, kind: block }
  - { name: besu-health, kind: besu-health }
`,
  );
});

afterAll(async () => {
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('container: non-root, read-only root filesystem', () => {
  it('the Dockerfile final stage runs as a non-root user, exec-form, with a health check', () => {
    const stage = finalStage();
    const users = stage.filter((o) => o.op === 'USER').map((o) => o.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    expect(stage.find((o) => o.op === 'ENTRYPOINT')?.args).toMatch(/^\[\s*"node",/);
    expect(stage.some((o) => o.op === 'HEALTHCHECK')).toBe(true);
    expect(stage.some((o) => o.op === 'VOLUME')).toBe(false);
    // Build-time RUNs (as root) come before USER; nothing runs after it, nothing is world-writable.
    const lastUser = stage.map((o) => o.op).lastIndexOf('USER');
    expect(stage.slice(lastUser).filter((o) => o.op === 'RUN')).toEqual([]);
    expect(stage.filter((o) => /chmod\s+(-R\s+)?(0?777|a\+w|o\+w)/.test(o.args))).toEqual([]);
  });

  it('the Deployment runs non-root, read-only, without privilege escalation or capabilities', () => {
    const docs = parseAllDocuments(
      readFileSync(join(ROOT, 'deploy/kubernetes/deployment.yaml'), 'utf8'),
    ).map((d) => d.toJS() as Record<string, unknown>);
    const deployment = docs.find((d) => d.kind === 'Deployment') as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    const pod = deployment.spec.template.spec as {
      securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
      containers: Array<{ securityContext?: Record<string, unknown> }>;
    };
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).not.toBe(0);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('no file-system write API is reachable from src/main.ts or the health check', () => {
    const files = reachableFromMain();
    expect(files.length).toBeGreaterThan(20);
    const writers = files.filter((f) => WRITE_API.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(writers).toEqual([]);
  });

  it('the write recorder sees a write (the run-time check can fail)', async () => {
    const target = join(dir, 'written');
    const child = spawn(
      process.execPath,
      ['--import', PRELOAD, '--input-type=module', '-e'].concat([
        `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(target)}, 'x');`,
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => child.once('exit', r));
    expect(err).toContain(`FSWRITE fs.writeFileSync ${target}`);
  });

  it('--once writes nothing to disk', async () => {
    const { code, output } = await runRecorded([
      'src/main.ts',
      '--once',
      '--config',
      join(dir, 'c.yaml'),
    ]);
    expect(code).toBe(0);
    expect(output).toContain('FSWRITE-CHECK done (0 writes)');
  });

  it('a running daemon (scrapes, status page, reload) writes nothing to disk', async () => {
    const { output } = await runRecorded(
      ['src/main.ts', '--config', join(dir, 'c.yaml'), '--log-level', 'debug'],
      async (out) => {
        let base = '';
        await waitFor(() => {
          base = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out())?.[1] ?? '';
          return base !== '';
        }, 30_000);
        await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
        for (const path of ['/metrics', '/', '/api/status', '/docs/runbook.md'])
          expect((await fetch(`${base}${path}`)).status).toBeLessThan(500);
        expect((await fetch(`${base}/-/reload`, { method: 'POST' })).status).toBe(200);
      },
    );
    expect(output).toContain('FSWRITE-CHECK done (0 writes)');
  });
});
