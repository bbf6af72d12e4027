import { describe, expect, it } from 'vitest';
import { createScrubber, redactUrl, secretsOfUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    { desc: 'plain', url: 'http://10.1.2.3:8545', want: 'http://10.1.2.3:8545/' },
    {
      desc: 'userinfo',
      url: 'https://alice:pw@rpc.example/',
      want: 'https://<redacted>@rpc.example/',
    },
    {
      desc: 'query-token',
      url: 'https://rpc.example/?apikey=abc&x=1',
      want: 'https://rpc.example/?apikey=<redacted>&x=<redacted>',
    },
    {
      desc: 'infura-style-path-key',
      url: 'https://mainnet.example/v3/9aa3d95b3bc440fa88ea12eaa4456161',
      want: 'https://mainnet.example/v3/<redacted>',
    },
    {
      desc: 'hex-path-key',
      url: 'https://rpc.example/0xdeadbeefdeadbeef00',
      want: 'https://rpc.example/<redacted>',
    },
    {
      desc: 'keeps-plain-path',
      url: 'https://rpc.example/besu/rpc',
      want: 'https://rpc.example/besu/rpc',
    },
    { desc: 'unparseable', url: 'not a url with secret', want: '<redacted>' },
  ])('$desc', ({ url, want }) => {
    expect(redactUrl(url)).toBe(want);
  });
});

describe('createScrubber', () => {
  it('masks every secret of a URL wherever it appears', () => {
    const url =
      'https://alice:hunter22@rpc.example/v3/9aa3d95b3bc440fa88ea12eaa4456161?token=t0k3n';
    const scrub = createScrubber(secretsOfUrl(url));
    const text = `failed ${url} with hunter22 and t0k3n and 9aa3d95b3bc440fa88ea12eaa4456161`;
    const out = scrub(text);
    for (const s of ['hunter22', 't0k3n', '9aa3d95b3bc440fa88ea12eaa4456161'])
      expect(out).not.toContain(s);
  });
  it('is the identity without secrets', () => {
    expect(createScrubber([])('abc')).toBe('abc');
  });
  it('treats secrets as literals, not patterns', () => {
    expect(createScrubber(['a.b*c'])('xa.b*cx aXbbc')).toBe('x<redacted>x aXbbc');
  });
});

describe('secretsOfUrl', () => {
  it('lists userinfo that is not valid percent-encoding as written, without throwing', () => {
    const secrets = secretsOfUrl('http://us%zzer:p%zzss@rpc.example/');
    expect(secrets).toContain('p%zzss');
    expect(secrets).toContain('us%zzer');
  });

  it('lists decoded userinfo too', () => {
    expect(secretsOfUrl('http://alice:p%40ssw0rd@rpc.example/')).toContain('p@ssw0rd');
  });
});
