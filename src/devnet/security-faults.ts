import { setTimeout as sleep } from 'node:timers/promises';
import { Interface, Wallet, parseEther } from 'ethers';
import { callRpc, isJsonObject } from './jsonrpc.js';
import type { DevKey } from './keys.js';

const OWNABLE = new Interface(['function transferOwnership(address newOwner)']);

/**
 * Sends a real, signed transaction of `valueEther` from `key` to `to` through anvil (as a
 * leaked key would) and resolves to its hash once mined.
 */
export async function sendValue(
  anvilUrl: string,
  key: DevKey,
  chainId: number,
  to: string,
  valueEther: number,
): Promise<string> {
  return sendSigned(anvilUrl, key, chainId, { to, value: parseEther(String(valueEther)) });
}

/** Transfers ownership of the feed at `feed` from `owner` (its key) to `newOwner`; mined. */
export async function transferOwnership(
  anvilUrl: string,
  owner: DevKey,
  chainId: number,
  feed: string,
  newOwner: string,
): Promise<string> {
  const data = OWNABLE.encodeFunctionData('transferOwnership', [newOwner]);
  return sendSigned(anvilUrl, owner, chainId, { to: feed, data });
}

/**
 * Hands ownership back from an owner whose key the devnet does not hold (a random stranger),
 * through anvil's account impersonation: a devnet-only shortcut to undo `feed-owner-change`.
 */
export async function restoreOwnership(
  anvilUrl: string,
  feed: string,
  currentOwner: string,
  owner: string,
): Promise<void> {
  await callRpc(anvilUrl, 'anvil_impersonateAccount', [currentOwner]);
  try {
    const data = OWNABLE.encodeFunctionData('transferOwnership', [owner]);
    const tx = { from: currentOwner, to: feed, data, gas: '0x30d40', gasPrice: '0x0' };
    await waitMined(anvilUrl, String(await callRpc(anvilUrl, 'eth_sendTransaction', [tx])));
  } finally {
    await callRpc(anvilUrl, 'anvil_stopImpersonatingAccount', [currentOwner]);
  }
}

// The publisher may send its own transaction with the same pending nonce at the same moment;
// the loser is rejected as an underpriced replacement, so retry with a fresh nonce.
async function sendSigned(
  anvilUrl: string,
  key: DevKey,
  chainId: number,
  tx: { to: string; value?: bigint; data?: string },
): Promise<string> {
  let hash: string | undefined;
  for (let attempt = 1; hash === undefined; attempt++) {
    try {
      hash = await sendOnce(anvilUrl, key, chainId, tx);
    } catch (err) {
      if (attempt >= 5) throw err;
      await sleep(300);
    }
  }
  await waitMined(anvilUrl, hash);
  return hash;
}

async function sendOnce(
  anvilUrl: string,
  key: DevKey,
  chainId: number,
  tx: { to: string; value?: bigint; data?: string },
): Promise<string> {
  const wallet = new Wallet(key.privateKey);
  const nonce = Number(
    await callRpc(anvilUrl, 'eth_getTransactionCount', [key.address, 'pending']),
  );
  const raw = await wallet.signTransaction({
    ...tx,
    type: 2,
    chainId,
    nonce,
    gasLimit: 200_000,
    maxFeePerGas: 1_000_000_000n,
    maxPriorityFeePerGas: 0n,
  });
  return String(await callRpc(anvilUrl, 'eth_sendRawTransaction', [raw]));
}

// The devnet's producer mines every block period; a fault waits until its transaction is in one.
async function waitMined(anvilUrl: string, hash: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const receipt = await callRpc(anvilUrl, 'eth_getTransactionReceipt', [hash]);
    if (isJsonObject(receipt)) {
      if (receipt.status !== '0x1') throw new Error(`transaction ${hash} reverted`);
      return;
    }
    await sleep(200);
  }
  throw new Error(`transaction ${hash} not mined within 60 s`);
}
