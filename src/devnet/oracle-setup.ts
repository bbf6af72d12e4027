import type { Logger } from 'pino';
import { CircuitBreaker } from './breaker.js';
import { compileFeed, deployFeed } from './feed-contract.js';
import { callRpc } from './jsonrpc.js';
import type { DevKey } from './keys.js';
import { OraclePublisher, type PublisherFaults } from './publisher.js';
import type { TxHold } from './tx-hold.js';

/** 1000 ETH, what the deployer and the publisher are funded with. */
export const FUNDING_WEI = `0x${(10n ** 21n).toString(16)}`;

/** A feed to deploy. */
export interface FeedSpec {
  name: string;
  decimals: number;
  startPrice: number;
}

/** A deployed feed. */
export interface DeployedFeed extends FeedSpec {
  address: string;
}

/** Funds `accounts` through anvil_setBalance (keys come from the seed, never dev keys). */
export async function fundAccounts(anvilUrl: string, accounts: DevKey[]): Promise<void> {
  for (const account of accounts) {
    await callRpc(anvilUrl, 'anvil_setBalance', [account.address, FUNDING_WEI]);
  }
}

/**
 * Compiles PriceFeed.sol and deploys one feed per spec from `deployer`, with `publisher` as
 * the transmitter.
 */
export async function deployFeeds(
  rpcUrl: string,
  deployer: DevKey,
  publisher: string,
  specs: FeedSpec[],
  chainId: number,
): Promise<DeployedFeed[]> {
  const artifact = await compileFeed();
  const feeds: DeployedFeed[] = [];
  for (const [nonce, spec] of specs.entries()) {
    const address = await deployFeed(
      rpcUrl,
      deployer.privateKey,
      nonce,
      artifact,
      {
        decimals: spec.decimals,
        description: spec.name,
        transmitter: publisher,
      },
      chainId,
    );
    feeds.push({ ...spec, address });
  }
  return feeds;
}

/** What the reference publisher needs from the devnet. */
export interface PublisherSetup {
  gatewayUrl: string;
  key: DevKey;
  chainId: number;
  feeds: DeployedFeed[];
  heartbeatSeconds: number;
  txTimeoutSeconds: number;
  breakerFailureThreshold: number;
  breakerCooldownSeconds: number;
  faults: PublisherFaults;
  hold: TxHold;
  random: () => number;
  logger: Logger;
}

/** Builds the reference oracle publisher (not started). */
export function createPublisher(setup: PublisherSetup): OraclePublisher {
  return new OraclePublisher({
    rpcUrl: setup.gatewayUrl,
    privateKey: setup.key.privateKey,
    chainId: setup.chainId,
    feeds: setup.feeds,
    heartbeatSeconds: setup.heartbeatSeconds,
    txTimeoutMs: setup.txTimeoutSeconds * 1000,
    breaker: new CircuitBreaker({
      failureThreshold: setup.breakerFailureThreshold,
      cooldownMs: setup.breakerCooldownSeconds * 1000,
    }),
    faults: setup.faults,
    hold: setup.hold,
    random: setup.random,
    logger: setup.logger,
  });
}
