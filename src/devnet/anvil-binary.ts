import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The npm launcher of @foundry-rs/anvil (node_modules/.bin/anvil): a node process that spawns
 * the real binary. Its pid is not anvil's: SIGKILL on it leaves the binary holding its port.
 */
export const ANVIL_WRAPPER = fileURLToPath(
  new URL('../../node_modules/.bin/anvil', import.meta.url),
);

/** Where anvil's executable is, and what: the real binary, the npm launcher, or an override. */
export interface AnvilBinary {
  path: string;
  /** `binary`: its pid is anvil's. `wrapper`: the npm launcher. `override`: $CHAINPROBE_ANVIL. */
  kind: 'binary' | 'wrapper' | 'override';
}

// The platform packages @foundry-rs/anvil lists as optional dependencies (see its const.mjs).
const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': 'anvil-linux-amd64',
  'linux-arm64': 'anvil-linux-arm64',
  'darwin-x64': 'anvil-darwin-amd64',
  'darwin-arm64': 'anvil-darwin-arm64',
  'win32-x64': 'anvil-win32-amd64',
};

/** The npm package holding anvil's binary for a Node platform and arch; undefined if none. */
export function anvilPlatformPackage(platform: string, arch: string): string | undefined {
  const name = PLATFORM_PACKAGES[`${platform}-${arch}`];
  return name === undefined ? undefined : `@foundry-rs/${name}`;
}

/**
 * Resolves anvil: $CHAINPROBE_ANVIL if set, else the platform binary the npm launcher would
 * spawn (looked up the way the launcher does, require.resolve of `<package>/bin/anvil`), else
 * the launcher itself.
 */
export function resolveAnvilBinary(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
  arch: string = process.arch,
): AnvilBinary {
  if (env.CHAINPROBE_ANVIL) return { path: env.CHAINPROBE_ANVIL, kind: 'override' };

  const pkg = anvilPlatformPackage(platform, arch);
  const file = platform === 'win32' ? 'anvil.exe' : 'anvil';
  const path = pkg === undefined ? undefined : resolveFrom(`${pkg}/bin/${file}`);
  return path === undefined ? { path: ANVIL_WRAPPER, kind: 'wrapper' } : { path, kind: 'binary' };
}

/** require.resolve from here, then from the launcher's package (nested installs, pnpm). */
function resolveFrom(request: string): string | undefined {
  const here = createRequire(import.meta.url);
  const bases = [() => here, () => createRequire(here.resolve('@foundry-rs/anvil/package.json'))];
  for (const base of bases) {
    try {
      const path = base().resolve(request);
      if (existsSync(path)) return path;
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
}
