import { readFileSync } from 'node:fs';
import { CanaryConfigError } from './errors.js';

/** Where the canary's key comes from: a file path or the name of an environment variable. */
export interface KeySource {
  keyFile?: string | undefined;
  keyEnv?: string | undefined;
}

const KEY_HEX = /^(0x)?[0-9a-fA-F]{64}$/;

// A private key is a scalar in [1, n-1] of the secp256k1 group order n.
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** True when `value` has the shape of a secp256k1 private key (32 bytes of hex). */
export function looksLikeKey(value: string): boolean {
  return KEY_HEX.test(value.trim());
}

/**
 * Reads the canary's private key from `keyFile` (first line, whitespace trimmed) or from the
 * environment variable named by `keyEnv`. Throws CanaryConfigError; no message echoes the key.
 */
export function readCanaryKey(source: KeySource, env: NodeJS.ProcessEnv = process.env): string {
  const raw = source.keyFile !== undefined ? readKeyFile(source.keyFile) : readKeyEnv(source, env);
  const key = raw.trim();
  if (!looksLikeKey(key)) {
    throw new CanaryConfigError('key_invalid', 'the canary key is not 32 bytes of hex');
  }
  const prefixed = key.startsWith('0x') ? key : `0x${key}`;
  const scalar = BigInt(prefixed);
  if (scalar === 0n || scalar >= SECP256K1_ORDER) {
    throw new CanaryConfigError('key_invalid', 'the canary key is not a valid secp256k1 key');
  }
  return prefixed.toLowerCase();
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n')[0] ?? '';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CanaryConfigError('key_unreadable', `cannot read keyFile ${path}: ${code}`);
  }
}

function readKeyEnv(source: KeySource, env: NodeJS.ProcessEnv): string {
  if (source.keyEnv === undefined) {
    throw new CanaryConfigError('key_missing', 'needs keyFile or keyEnv');
  }
  const value = env[source.keyEnv];
  if (value === undefined || value.trim() === '') {
    throw new CanaryConfigError('key_missing', `environment variable ${source.keyEnv} is not set`);
  }
  return value;
}

/**
 * Every form of `key` that could end up in text: with and without 0x, lower and upper case,
 * and base64 of its bytes. These go to the process's scrubber.
 */
export function keySecrets(key: string): string[] {
  const hex = key.replace(/^0x/i, '').toLowerCase();
  const upper = hex.toUpperCase();
  const bytes = Buffer.from(hex, 'hex');
  return [
    `0x${hex}`,
    hex,
    upper,
    `0x${upper}`,
    `0X${upper}`,
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ];
}
