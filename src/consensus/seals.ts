import { concat, getBytes, keccak256, SigningKey } from 'ethers';
import * as secp256k1 from 'tiny-secp256k1';
import { ConsensusError, toConsensusError } from './errors.js';
import { isSealWellFormed } from './extra-data.js';
import { quorumSize } from './proposer.js';

/** What the commit seals of one block say, judged against the validator set that must sign. */
export interface SealVerdict {
  /** Distinct recovered signers, lowercase, in seal order. */
  signers: string[];
  /** Number of distinct recovered signers (validators and outsiders). */
  distinct: number;
  /** Seals whose signer already signed an earlier seal. */
  duplicates: number;
  /** Distinct signers that are not in the validator set. */
  outsiders: string[];
  /** Seals from which no signer could be recovered. */
  unrecoverable: number;
  /** Signatures required: ceil(2N/3) of the N validators. */
  quorum: number;
  /** True when the distinct in-set signers reach the quorum (never for an empty set). */
  hasQuorum: boolean;
  /** Besu's BftCommitSealsValidationRule: quorum, no duplicate, no outsider, all recoverable. */
  valid: boolean;
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;
const DIGEST = /^0x[0-9a-fA-F]{64}$/;

/**
 * Recovers the signer of each 65-byte seal (r ‖ s ‖ recId 0/1) over `digest`: lowercase
 * addresses, or null for a seal Besu would not accept or that recovers no key. Never throws.
 */
export function recoverSigners(digest: string, seals: string[]): Array<string | null> {
  const isDigestOk = typeof digest === 'string' && DIGEST.test(digest);
  return seals.map((seal) => (isDigestOk ? recoverOne(digest, seal) : null));
}

function recoverOne(digest: string, seal: string): string | null {
  if (typeof seal !== 'string' || !isSealWellFormed(seal)) return null;

  // Besu accepts a high s (no EIP-2 rule for seals). (r, s, v) and (r, n - s, v ^ 1) recover
  // the same key, so a high-s seal is flipped to its low-s twin first, as a strict library wants.
  const r = seal.slice(2, 66);
  let s = BigInt(`0x${seal.slice(66, 130)}`);
  let yParity = seal.endsWith('01') ? 1 : 0;
  if (s > HALF_N) {
    s = SECP256K1_N - s;
    yParity ^= 1;
  }

  try {
    // libsecp256k1 compiled to WebAssembly recovers about 7x faster than ethers' pure-JS curve
    // (test/bench, 5 decode); the address is the last 20 bytes of keccak256 of the raw key.
    const sig = getBytes(`0x${r}${s.toString(16).padStart(64, '0')}`);
    const key = secp256k1.recover(getBytes(digest), sig, yParity as 0 | 1, false);
    return key ? `0x${keccak256(key.subarray(1)).slice(-40)}` : null;
  } catch {
    return null;
  }
}

/** Signs a commit-seal digest like Besu: 65 bytes r ‖ s ‖ recId (0/1), low s, RFC 6979. */
export function signCommitSeal(digest: string, privateKey: string): string {
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new ConsensusError('bad-digest', 'digest is not 32 bytes of hex');
  }
  const isKeyHex = typeof privateKey === 'string' && DIGEST.test(privateKey);
  const k = isKeyHex ? BigInt(privateKey) : 0n;
  if (k < 1n || k >= SECP256K1_N) {
    throw new ConsensusError('bad-key', 'private key is not a secp256k1 scalar (32 bytes of hex)');
  }

  try {
    const sig = new SigningKey(privateKey).sign(digest);
    return concat([sig.r, sig.s, sig.yParity === 1 ? '0x01' : '0x00']);
  } catch (err) {
    throw toConsensusError(err, 'bad-key', 'signing the commit digest failed');
  }
}

/**
 * Judges recovered signers (from recoverSigners) against the validators that must seal the
 * block, as Besu's BftCommitSealsValidationRule does.
 */
export function judgeSeals(validators: string[], signers: Array<string | null>): SealVerdict {
  const set = new Set(validators.map((v) => v.toLowerCase()));
  const seen = new Set<string>();
  let duplicates = 0;
  let unrecoverable = 0;

  for (const signer of signers) {
    if (signer === null) unrecoverable++;
    else if (seen.has(signer.toLowerCase())) duplicates++;
    else seen.add(signer.toLowerCase());
  }

  const distinctSigners = [...seen];
  const outsiders = distinctSigners.filter((a) => !set.has(a));
  const quorum = quorumSize(set.size);
  const hasQuorum = set.size > 0 && distinctSigners.length - outsiders.length >= quorum;
  const isClean = duplicates === 0 && outsiders.length === 0 && unrecoverable === 0;
  return {
    signers: distinctSigners,
    distinct: distinctSigners.length,
    duplicates,
    outsiders,
    unrecoverable,
    quorum,
    hasQuorum,
    valid: hasQuorum && isClean,
  };
}
