import { clientTlsOf } from '../../config/client-tls.js';
import type { EndpointConfig } from '../../config/schema.js';
import type { RpcClient } from '../../rpc/client.js';
import { RpcError } from '../../rpc/errors.js';
import { parseData, parseSafeQuantity } from '../../rpc/hex.js';
import { judgeDrift } from './judge.js';
import type { IdentityFacet, SecurityMetrics } from './metrics.js';
import { noteFailure, type CheckOutcome } from './outcome.js';
import { fetchCertificate, normaliseFingerprint } from './tls.js';

/** What the identity checks compare with. */
export interface IdentityExpectations {
  chainId: number;
  /** The genesis block hash every endpoint must serve; default the first one seen. */
  genesisHash?: string | undefined;
  /** SHA-256 certificate fingerprint per endpoint name; default the first one seen. */
  tlsPins: Readonly<Record<string, string>>;
}

/**
 * Checks that each endpoint is still the network it was: chain id, genesis hash and, for https
 * endpoints, the TLS certificate (fingerprint, issuer, expiry). Reference values are the
 * configured ones, else the first seen: the genesis hash across all endpoints, certificates per
 * endpoint.
 */
export class IdentityTracker {
  private genesis: string | undefined;
  private readonly certs = new Map<string, { fingerprint: string; issuer: string }>();

  constructor(
    private readonly expect: IdentityExpectations,
    private readonly metrics: SecurityMetrics,
  ) {
    this.genesis = expect.genesisHash?.toLowerCase();
  }

  /** Runs the chain and certificate checks of one endpoint. */
  async check(ep: EndpointConfig, rpc: RpcClient, signal: AbortSignal): Promise<CheckOutcome> {
    const outcome: CheckOutcome = { findings: [] };
    await this.checkChain(ep.name, rpc, signal, outcome).catch((e) => noteFailure(outcome, e));
    if (new URL(ep.url).protocol === 'https:') {
      await this.checkCertificate(ep, signal, outcome).catch((e) => noteFailure(outcome, e));
    }
    return outcome;
  }

  private async checkChain(
    endpoint: string,
    rpc: RpcClient,
    signal: AbortSignal,
    outcome: CheckOutcome,
  ): Promise<void> {
    const chainId = parseSafeQuantity(await rpc.call('eth_chainId', [], { signal }), 'eth_chainId');
    this.report(
      endpoint,
      'chain_id',
      chainId !== this.expect.chainId,
      outcome,
      () => `chain id ${chainId}, expected ${this.expect.chainId}`,
    );

    const block = await rpc.call('eth_getBlockByNumber', ['0x0', false], { signal });
    if (block === null) throw new RpcError('null_result', 'the endpoint has no genesis block');
    const hash = parseData((block as { hash?: unknown }).hash, 'genesis hash', 32);
    this.genesis ??= hash;
    this.report(
      endpoint,
      'genesis_hash',
      hash !== this.genesis,
      outcome,
      () => `genesis ${hash}, expected ${this.genesis}`,
    );
  }

  private async checkCertificate(
    ep: EndpointConfig,
    signal: AbortSignal,
    outcome: CheckOutcome,
  ): Promise<void> {
    const cert = await fetchCertificate(ep.url, signal, clientTlsOf(ep));
    this.metrics.certExpiry.set({ endpoint: ep.name }, cert.notAfterMs / 1000);
    const pin = this.expect.tlsPins[ep.name];
    const first = this.certs.get(ep.name);
    if (!first) this.certs.set(ep.name, { fingerprint: cert.fingerprint256, issuer: cert.issuer });

    const fp = judgeDrift(
      cert.fingerprint256,
      pin === undefined ? undefined : normaliseFingerprint(pin),
      first?.fingerprint,
    );
    this.report(
      ep.name,
      'tls_fingerprint',
      fp.drift,
      outcome,
      () => `certificate sha256 ${cert.fingerprint256}, expected ${fp.reference}`,
    );
    const issuer = judgeDrift(cert.issuer, undefined, first?.issuer);
    this.report(
      ep.name,
      'tls_issuer',
      issuer.drift,
      outcome,
      () => `certificate issuer ${cert.issuer}, was ${issuer.reference}`,
    );
  }

  private report(
    endpoint: string,
    what: IdentityFacet,
    changed: boolean,
    outcome: CheckOutcome,
    describe: () => string,
  ): void {
    this.metrics.identityChanged.set({ endpoint, what }, changed ? 1 : 0);
    if (!changed) return;
    outcome.findings.push(describe());
    if (what === 'chain_id') outcome.findingClass = 'chain_id_mismatch';
    if (what === 'genesis_hash') outcome.findingClass ??= 'hash_mismatch';
  }
}
