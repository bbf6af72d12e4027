import { id } from 'ethers';
import type { RpcClient } from '../../rpc/client.js';
import { parseData } from '../../rpc/hex.js';
import { judgeDrift, normaliseWord, wordToAddress } from './judge.js';
import type { SecurityMetrics } from './metrics.js';
import { noteFailure, type CheckOutcome } from './outcome.js';

/** Well-known storage slots by name (EIP-1967: keccak256('eip1967.proxy.<x>') - 1). */
export const NAMED_SLOTS: Readonly<Record<string, string>> = {
  'eip1967.implementation': '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
  'eip1967.admin': '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103',
  'eip1967.beacon': '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50',
};

/** A contract control check from config: a no-argument view call or a storage slot. */
export interface ContractCheck {
  name: string;
  address: string;
  /** A no-argument view function returning one word, e.g. `owner()`. */
  call?: string | undefined;
  /** A storage slot: 32-byte hex or a NAMED_SLOTS name. */
  slot?: string | undefined;
  /** The value it must hold (address or 32-byte word); default the first value seen. */
  expected?: string | undefined;
}

/**
 * Reads each configured control value (owner, implementation, aggregator, a proxy slot) at the
 * head with eth_call or eth_getStorageAt, both read-only, and sets
 * chainprobe_security_contract_drift when it differs from the expected or first-seen value.
 */
export class ContractWatcher {
  private readonly firstSeen = new Map<string, string>();

  constructor(
    private readonly checks: readonly ContractCheck[],
    private readonly metrics: SecurityMetrics,
  ) {}

  /** Reads and judges every check; a failing read fails the run but not the others. */
  async check(rpc: RpcClient, signal: AbortSignal): Promise<CheckOutcome> {
    const outcome: CheckOutcome = { findings: [] };
    for (const c of this.checks) {
      try {
        const observed = normaliseWord(await readValue(rpc, c, signal));
        this.judge(c, observed, outcome);
      } catch (err) {
        noteFailure(outcome, err);
      }
    }
    return outcome;
  }

  private judge(c: ContractCheck, observed: string, outcome: CheckOutcome): void {
    const expected = c.expected === undefined ? undefined : normaliseWord(c.expected);
    if (!this.firstSeen.has(c.name)) this.firstSeen.set(c.name, observed);
    const { drift, reference } = judgeDrift(observed, expected, this.firstSeen.get(c.name));
    this.metrics.contractDrift.set({ check: c.name }, drift ? 1 : 0);
    if (drift) {
      outcome.findings.push(
        `${c.name} is ${wordToAddress(observed)}, expected ${wordToAddress(reference)}`,
      );
    }
  }
}

async function readValue(rpc: RpcClient, c: ContractCheck, signal: AbortSignal): Promise<string> {
  if (c.call !== undefined) {
    const data = id(c.call).slice(0, 10);
    const result = await rpc.call('eth_call', [{ to: c.address, data }, 'latest'], { signal });
    // A view returning one word answers exactly 32 bytes; take the first word of longer ones.
    return parseData(result, `${c.name} result`).slice(0, 66);
  }
  const slot = NAMED_SLOTS[c.slot ?? ''] ?? (c.slot as string);
  return parseData(
    await rpc.call('eth_getStorageAt', [c.address, slot, 'latest'], { signal }),
    `${c.name} slot`,
    32,
  );
}
