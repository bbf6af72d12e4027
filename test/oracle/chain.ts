import { Interface, type InterfaceAbi } from 'ethers';
import { startAnvil, type Anvil } from '../helpers/anvil.js';
import type { Artifact } from './fixtures/compile.js';

/** anvil (chain id 138, automine) with the few writes the oracle tests need. */
export interface TestChain extends Anvil {
  /** anvil's first funded dev account. */
  account: string;
  /** Deploys `artifact` from `account`; resolves to its lowercase address. */
  deploy(artifact: Artifact, args: unknown[]): Promise<string>;
  /** Calls state-changing `fn` on `to` from `account` and waits for the receipt. */
  transact(to: string, abi: unknown[], fn: string, args: unknown[]): Promise<void>;
  /** Waits until `hash` has a receipt (anvil's automine can answer before the block exists). */
  receipt(hash: string): Promise<{ status: string; contractAddress: string | null }>;
  /** Moves chain time forward by `seconds` and mines one block. */
  advance(seconds: number): Promise<void>;
}

/** Starts anvil on a free loopback port; stop it with `stop()` (by pid). */
export async function startChain(): Promise<TestChain> {
  const anvil = await startAnvil({ chainId: 138 });
  const [account] = await anvil.rpc<string[]>('eth_accounts');
  if (!account) throw new Error('anvil has no dev account');

  const receipt = async (hash: string) => {
    // Automine mines before answering, but the receipt can lag the answer by a moment.
    for (let i = 0; i < 250; i++) {
      const r = await anvil.rpc<{ status: string; contractAddress: string | null } | null>(
        'eth_getTransactionReceipt',
        [hash],
      );
      if (r) return r;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`transaction ${hash} has no receipt after 5 s`);
  };
  const send = async (tx: Record<string, string>): Promise<string | null> => {
    const hash = await anvil.rpc<string>('eth_sendTransaction', [
      { from: account, gas: '0x4c4b40', ...tx },
    ]);
    const r = await receipt(hash);
    if (r.status !== '0x1') throw new Error(`transaction ${hash} failed`);
    return r.contractAddress;
  };
  return {
    ...anvil,
    account,
    receipt,
    async deploy(artifact, args) {
      const iface = new Interface(artifact.abi as InterfaceAbi);
      const address = await send({ data: artifact.bytecode + iface.encodeDeploy(args).slice(2) });
      if (!address) throw new Error('deployment returned no address');
      return address.toLowerCase();
    },
    async transact(to, abi, fn, args) {
      await send({ to, data: new Interface(abi as InterfaceAbi).encodeFunctionData(fn, args) });
    },
    async advance(seconds) {
      await anvil.rpc('evm_increaseTime', [seconds]);
      await anvil.rpc('evm_mine', []);
    },
  };
}
