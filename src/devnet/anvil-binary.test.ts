import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANVIL_WRAPPER, anvilPlatformPackage, resolveAnvilBinary } from './anvil-binary.js';

describe('anvilPlatformPackage', () => {
  it.each([
    { desc: 'linux-x64', platform: 'linux', arch: 'x64', pkg: '@foundry-rs/anvil-linux-amd64' },
    { desc: 'linux-arm64', platform: 'linux', arch: 'arm64', pkg: '@foundry-rs/anvil-linux-arm64' },
    { desc: 'mac-intel', platform: 'darwin', arch: 'x64', pkg: '@foundry-rs/anvil-darwin-amd64' },
    { desc: 'mac-arm', platform: 'darwin', arch: 'arm64', pkg: '@foundry-rs/anvil-darwin-arm64' },
    { desc: 'windows-x64', platform: 'win32', arch: 'x64', pkg: '@foundry-rs/anvil-win32-amd64' },
    { desc: 'windows-arm-unsupported', platform: 'win32', arch: 'arm64', pkg: undefined },
    { desc: 'freebsd-unsupported', platform: 'freebsd', arch: 'x64', pkg: undefined },
  ])('$desc', ({ platform, arch, pkg }) => {
    expect(anvilPlatformPackage(platform, arch)).toBe(pkg);
  });
});

describe('resolveAnvilBinary', () => {
  it('prefers $CHAINPROBE_ANVIL', () => {
    expect(resolveAnvilBinary({ CHAINPROBE_ANVIL: '/opt/anvil' })).toEqual({
      path: '/opt/anvil',
      kind: 'override',
    });
  });

  it('finds the platform binary the npm launcher would spawn, not the launcher', () => {
    const found = resolveAnvilBinary({});

    expect(found.kind).toBe('binary');
    expect(found.path).not.toBe(ANVIL_WRAPPER);
    expect(found.path).toMatch(/@foundry-rs\/anvil-[a-z0-9]+-[a-z0-9]+\/bin\/anvil(\.exe)?$/);
    // An executable, not a script: no '#!' line.
    expect(readFileSync(found.path).subarray(0, 2).toString()).not.toBe('#!');
  });

  it('falls back to the launcher on a platform without a binary package', () => {
    expect(resolveAnvilBinary({}, 'freebsd', 'x64')).toEqual({
      path: ANVIL_WRAPPER,
      kind: 'wrapper',
    });
  });
});
