import { SigningKey, computeAddress, keccak256, toUtf8Bytes } from 'ethers';

/** A secp256k1 key pair derived from the devnet seed. */
export interface DevKey {
  privateKey: string;
  address: string;
}

const SECP256K1_N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

/** Derives a deterministic key for `label` (e.g. `validator-0`) from `seed`, never a dev key. */
export function deriveKey(seed: string, label: string): DevKey {
  // Re-hash until the scalar is a valid private key (0 < k < n); one round almost always suffices.
  let digest = keccak256(toUtf8Bytes(`chainprobe-devnet:${seed}:${label}`));
  while (BigInt(digest) === 0n || BigInt(digest) >= SECP256K1_N) digest = keccak256(digest);

  const privateKey = digest;
  const address = computeAddress(new SigningKey(privateKey).publicKey).toLowerCase();
  return { privateKey, address };
}

/** Derives `count` validator keys from `seed`, labelled validator-0..count-1. */
export function deriveValidatorKeys(seed: string, count: number): DevKey[] {
  return Array.from({ length: count }, (_, i) => deriveKey(seed, `validator-${i}`));
}
