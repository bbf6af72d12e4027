import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chainprobe-check-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chainprobe --check-config', () => {
  it('lists schema and cross-field problems in one run, in file order', async () => {
    const path = join(dir, 'two-rounds.yaml');
    writeFileSync(
      path,
      [
        'endpoints:',
        '  - { name: rpc-0, url: http://127.0.0.1:8545 }',
        'probes:',
        '  - { name: rpc, kind: rpc, endpoints: [rpc-1] }',
        '  - { name: block, kind: block, intervalMs: 50 }',
        'global:',
        '  chainId: 0',
        '',
      ].join('\n'),
    );
    const child = spawnCli(['--check-config', '--config', path]);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const lines = child
      .output()
      .split('\n')
      .filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      '  - line 4: probes[0].endpoints[0] (rpc-1) names no configured endpoint',
      '  - line 5: probes[1].intervalMs (50) too small: expected number to be >=100',
      '  - line 7: global.chainId (0) too small: expected number to be >0',
    ]);
  });
});
