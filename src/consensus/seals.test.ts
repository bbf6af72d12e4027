import { computeAddress, keccak256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ConsensusError } from './errors.js';
import { judgeSeals, recoverSigners, signCommitSeal, type SealVerdict } from './seals.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const DIGEST = keccak256(toUtf8Bytes('chainprobe seal test'));
const KEYS = [1, 2, 3, 4, 5].map((i) => `0x${i.toString(16).padStart(64, '0')}`);
const ADDRS = KEYS.map((k) => computeAddress(k).toLowerCase());

/** The same signature with s replaced by n - s and the recovery id flipped. */
function highSTwin(seal: string): string {
  const s = N - BigInt(`0x${seal.slice(66, 130)}`);
  const recId = seal.endsWith('00') ? '01' : '00';
  return `${seal.slice(0, 66)}${s.toString(16).padStart(64, '0')}${recId}`;
}

describe('signCommitSeal and recoverSigners', () => {
  const seals = KEYS.map((k) => signCommitSeal(DIGEST, k));

  it('recovers the signer of each seal it made, in order', () => {
    expect(recoverSigners(DIGEST, seals)).toEqual(ADDRS);
  });

  it('writes 65-byte seals with a 0/1 recovery id and a low s', () => {
    for (const seal of seals) {
      expect(seal).toMatch(/^0x[0-9a-f]{128}0[01]$/);
      expect(BigInt(`0x${seal.slice(66, 130)}`) <= N / 2n).toBe(true);
    }
  });

  it('recovers the same signer from the high-s twin of a seal (Besu accepts both)', () => {
    expect(recoverSigners(DIGEST, seals.map(highSTwin))).toEqual(ADDRS);
  });

  it('recovers a different signer over another digest', () => {
    const other = keccak256(toUtf8Bytes('another block'));
    expect(recoverSigners(other, seals)).not.toContain(ADDRS[0]);
  });

  const good = seals[0] ?? '';
  const unrecoverable = [
    { desc: 'not-hex', seal: `0x${'zz'.repeat(65)}` },
    { desc: 'no-prefix', seal: good.slice(2) },
    { desc: '64-bytes', seal: good.slice(0, -2) },
    { desc: '66-bytes', seal: `${good}00` },
    { desc: 'rec-id-2', seal: `${good.slice(0, -2)}02` },
    { desc: 'rec-id-27', seal: `${good.slice(0, -2)}1b` },
    { desc: 'r-zero', seal: `0x${'00'.repeat(32)}${good.slice(66)}` },
    { desc: 's-zero', seal: `${good.slice(0, 66)}${'00'.repeat(32)}00` },
    { desc: 'r-equals-n', seal: `0x${N.toString(16)}${good.slice(66)}` },
    { desc: 'r-not-on-curve', seal: `0x${'5'.padStart(64, '0')}${'0a'.padStart(64, '0')}00` },
    { desc: 'not-a-string', seal: 42 as unknown as string },
  ];

  it.each(unrecoverable)('returns null for a $desc seal and keeps the others', ({ seal }) => {
    expect(recoverSigners(DIGEST, [good, seal, good])).toEqual([ADDRS[0], null, ADDRS[0]]);
  });

  it.each([
    { desc: 'short-digest', digest: '0x1234' },
    { desc: 'non-hex-digest', digest: `0x${'g'.repeat(64)}` },
    { desc: 'non-string-digest', digest: null as unknown as string },
  ])('returns all nulls for a $desc', ({ digest }) => {
    expect(recoverSigners(digest, seals)).toEqual(seals.map(() => null));
  });

  it.each([
    { desc: 'short-key', digest: DIGEST, key: '0x01', code: 'bad-key' },
    { desc: 'zero-key', digest: DIGEST, key: `0x${'00'.repeat(32)}`, code: 'bad-key' },
    { desc: 'short-digest', digest: '0x12', key: KEYS[0] ?? '', code: 'bad-digest' },
  ])('signCommitSeal rejects a $desc with $code', ({ digest, key, code }) => {
    expect(() => signCommitSeal(digest, key)).toThrow(ConsensusError);
    expect(() => signCommitSeal(digest, key)).toThrow(expect.objectContaining({ code }));
  });
});

describe('judgeSeals', () => {
  const four = ADDRS.slice(0, 4);
  const [a, b, c, d] = four as [string, string, string, string];
  const outsider = ADDRS[4] ?? '';
  const many = Array.from({ length: 21 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);

  const cases: Array<{
    desc: string;
    validators: string[];
    signers: Array<string | null>;
    want: Partial<SealVerdict>;
  }> = [
    {
      desc: 'exact-quorum',
      validators: four,
      signers: [a, c, b],
      want: { distinct: 3, quorum: 3, hasQuorum: true, valid: true, signers: [a, c, b] },
    },
    {
      desc: 'all-four',
      validators: four,
      signers: [d, c, b, a],
      want: { distinct: 4, hasQuorum: true, valid: true },
    },
    {
      desc: 'below-quorum',
      validators: four,
      signers: [a, b],
      want: { distinct: 2, quorum: 3, hasQuorum: false, valid: false },
    },
    {
      desc: 'duplicate-signer-does-not-count',
      validators: four,
      signers: [a, b, a],
      want: { distinct: 2, duplicates: 1, hasQuorum: false, valid: false },
    },
    {
      desc: 'duplicate-with-quorum-is-invalid',
      validators: four,
      signers: [a, b, c, c],
      want: { distinct: 3, duplicates: 1, hasQuorum: true, valid: false },
    },
    {
      desc: 'outsider-not-counted',
      validators: four,
      signers: [a, b, outsider],
      want: { distinct: 3, outsiders: [outsider], hasQuorum: false, valid: false },
    },
    {
      desc: 'outsider-with-quorum-is-invalid',
      validators: four,
      signers: [a, b, c, outsider],
      want: { outsiders: [outsider], hasQuorum: true, valid: false },
    },
    {
      desc: 'unrecoverable-seal',
      validators: four,
      signers: [a, b, c, null],
      want: { unrecoverable: 1, hasQuorum: true, valid: false },
    },
    {
      desc: 'mixed-case-validators',
      validators: four.map((v) => v.toUpperCase().replace('0X', '0x')),
      signers: [a, b, c],
      want: { outsiders: [], valid: true },
    },
    {
      desc: 'empty-set-contract-mode',
      validators: [],
      signers: [],
      want: { quorum: 0, hasQuorum: false, valid: false },
    },
    {
      desc: 'single-validator',
      validators: [a],
      signers: [a],
      want: { quorum: 1, valid: true },
    },
    {
      desc: 'twenty-one-validators-fourteen-seals',
      validators: many,
      signers: many.slice(0, 14),
      want: { quorum: 14, distinct: 14, valid: true },
    },
    {
      desc: 'twenty-one-validators-last-fourteen',
      validators: many,
      signers: many.slice(7),
      want: { quorum: 14, distinct: 14, valid: true },
    },
    {
      desc: 'twenty-one-validators-below-quorum',
      validators: many,
      signers: many.slice(8),
      want: { quorum: 14, distinct: 13, hasQuorum: false, valid: false },
    },
  ];

  it.each(cases)('judges $desc', ({ validators, signers, want }) => {
    expect(judgeSeals(validators, signers)).toMatchObject(want);
  });
});
