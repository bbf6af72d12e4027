import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaBundle, parseCaBundle, readCaBundle } from '../../src/config/ca-bundle.js';
import { makeTestPki, type TestPki } from '../tls/pki.js';

let pki: TestPki;
let ca: string;
let other: string;
let key: string;

beforeAll(() => {
  pki = makeTestPki();
  ca = readFileSync(pki.caFile, 'utf8');
  other = readFileSync(pki.otherCaFile, 'utf8');
  key = readFileSync(join(pki.dir, 'server.key'), 'utf8');
});

afterAll(() => {
  if (pki) rmSync(pki.dir, { recursive: true, force: true });
});

describe('parseCaBundle', () => {
  it.each([
    { desc: 'one-ca', text: () => ca, want: 1 },
    { desc: 'two-cas', text: () => `${ca}${other}`, want: 2 },
    { desc: 'comments-around-blocks', text: () => `# internal CA\n${ca}\n# end\n`, want: 1 },
    { desc: 'empty', text: () => '', want: 'holds no PEM certificate' },
    { desc: 'a-key-only', text: () => key, want: 'holds a private key; give CA certificates only' },
    {
      desc: 'ca-and-key',
      text: () => `${ca}${key}`,
      want: 'holds a private key; give CA certificates only',
    },
    {
      desc: 'damaged-second-block',
      text: () => `${ca}-----BEGIN CERTIFICATE-----\nMIIBzzzz\n-----END CERTIFICATE-----\n`,
      want: 'certificate 2 of 2 is not a valid X.509 certificate',
    },
  ])('$desc', ({ text, want }) => {
    const got = parseCaBundle(text());
    expect(got instanceof CaBundle ? got.certificates : got).toBe(want);
  });

  it('serialises as a digest and count, never the PEM text', () => {
    const bundle = parseCaBundle(ca) as CaBundle;
    const json = JSON.stringify({ ca: bundle });
    expect(json).toMatch(/^\{"ca":\{"certificates":1,"sha256":"[0-9a-f]{64}"\}\}$/);
    expect(bundle.pem()).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('gives another digest for another bundle (a rotated file reads as a change)', () => {
    const a = JSON.stringify(parseCaBundle(ca));
    expect(JSON.stringify(parseCaBundle(ca))).toBe(a);
    expect(JSON.stringify(parseCaBundle(other))).not.toBe(a);
  });
});

describe('readCaBundle', () => {
  it('names the errno of a file it cannot read', () => {
    expect(readCaBundle(join(pki.dir, 'absent.pem'))).toBe('cannot be read (ENOENT)');
    expect(readCaBundle(pki.dir)).toBe('cannot be read (EISDIR)');
  });
});
