import { formatEther } from 'ethers';
import type { RpcClient } from '../../rpc/client.js';
import { RpcError } from '../../rpc/errors.js';
import { parseData, parseQuantity, parseSafeQuantity } from '../../rpc/hex.js';
import { judgeNonce, judgeSpend, judgeTransfers, type SpendSample, type TxView } from './judge.js';
import type { SecurityMetrics } from './metrics.js';
import type { CheckOutcome } from './outcome.js';

/** A watched account from config. */
export interface WatchedAccount {
  name: string;
  address: string;
  allowedDestinations: string[];
  maxSpendPerHourEther?: number | undefined;
}

interface AccountState {
  nonce: number;
  balance: bigint;
  samples: SpendSample[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Follows watched accounts block by block: every transaction they send in the blocks since the
 * last run (eth_getBlockByNumber with full transactions, at most `maxScanBlocks` per run) is
 * held against the account's allow-list, nonce advances are matched with the transactions seen,
 * and balance decreases over the last hour are compared with the spend profile.
 */
export class AccountWatcher {
  private cursor: number | undefined;
  private readonly state = new Map<string, AccountState>();

  constructor(
    private readonly accounts: readonly WatchedAccount[],
    private readonly maxScanBlocks: number,
    private readonly metrics: SecurityMetrics,
    private readonly now: () => number,
  ) {}

  /** Scans the blocks since the last run and judges each account. */
  async check(rpc: RpcClient, signal: AbortSignal): Promise<CheckOutcome> {
    const head = parseSafeQuantity(await rpc.call('eth_blockNumber', [], { signal }), 'head');
    const findings: string[] = [];
    if (this.cursor !== undefined && head <= this.cursor) return { findings };

    // A gap longer than the scan bound (first run, or chainprobe was away) re-baselines the
    // nonces: transactions in skipped blocks cannot be matched.
    const from = Math.max((this.cursor ?? head) + 1, head - this.maxScanBlocks + 1);
    const gap = this.cursor === undefined || from > this.cursor + 1;
    const txs = this.cursor === undefined ? [] : await scanBlocks(rpc, from, head, signal);
    // Read every account before recording anything: a run that fails half-way leaves the state
    // as it was, so the next run scans the same blocks without counting a transaction twice.
    const readings: AccountReading[] = [];
    for (const account of this.accounts)
      readings.push(await readAccount(rpc, account, head, signal));
    for (const reading of readings) findings.push(...this.judgeAccount(reading, txs, gap));
    this.cursor = head;
    return { findings };
  }

  private judgeAccount(reading: AccountReading, txs: readonly TxView[], gap: boolean): string[] {
    const { account, nonce, balance } = reading;
    const before = this.state.get(account.name);
    const { sent, unexpected } = judgeTransfers(txs, account);
    const unexplained = before && !gap ? judgeNonce(before.nonce, nonce, sent.length) : 0;
    const spend = judgeSpend(
      before?.samples ?? [],
      before?.balance ?? balance,
      balance,
      this.now(),
    );
    this.state.set(account.name, { nonce, balance, samples: spend.samples });

    return this.record(account, unexpected, unexplained, spend.spentWei);
  }

  private record(
    account: WatchedAccount,
    unexpected: TxView[],
    unexplained: number,
    spentWei: bigint,
  ): string[] {
    const labels = (cls: string) => ({ account: account.name, class: cls });
    this.metrics.accountEvents.inc(labels('unexpected_destination'), unexpected.length);
    this.metrics.accountEvents.inc(labels('unexplained_nonce'), unexplained);
    const spent = Number(formatEther(spentWei));
    this.metrics.accountSpent.set({ account: account.name }, spent);

    const findings: string[] = [];
    const last = unexpected.at(-1);
    if (last) {
      findings.push(
        `${account.name} sent ${unexpected.length} transaction(s) off its allow-list, last to ` +
          `${last.to ?? 'a contract creation'} in block ${last.blockNumber} (${last.hash})`,
      );
    }
    if (unexplained > 0) findings.push(`${account.name} nonce advanced ${unexplained} unseen`);
    const limit = account.maxSpendPerHourEther;
    if (limit !== undefined && spent > limit) {
      findings.push(`${account.name} spent ${spent} ether in the last hour (limit ${limit})`);
    }
    return findings;
  }
}

interface AccountReading {
  account: WatchedAccount;
  nonce: number;
  balance: bigint;
}

async function readAccount(
  rpc: RpcClient,
  account: WatchedAccount,
  head: number,
  signal: AbortSignal,
): Promise<AccountReading> {
  const at = hex(head);
  const nonce = parseSafeQuantity(
    await rpc.call('eth_getTransactionCount', [account.address, at], { signal }),
    'nonce',
  );
  const balance = parseQuantity(
    await rpc.call('eth_getBalance', [account.address, at], { signal }),
    'balance',
  );
  return { account, nonce, balance };
}

// Blocks are fetched a few at a time: a catch-up after a pause must fit in one run's timeout.
const SCAN_PARALLEL = 8;

async function scanBlocks(
  rpc: RpcClient,
  from: number,
  to: number,
  signal: AbortSignal,
): Promise<TxView[]> {
  const out: TxView[] = [];
  for (let start = from; start <= to; start += SCAN_PARALLEL) {
    const numbers = Array.from(
      { length: Math.min(SCAN_PARALLEL, to - start + 1) },
      (_, i) => start + i,
    );
    const blocks = await Promise.all(numbers.map((n) => fetchTxs(rpc, n, signal)));
    for (const txs of blocks) out.push(...txs);
  }
  return out;
}

async function fetchTxs(rpc: RpcClient, n: number, signal: AbortSignal): Promise<TxView[]> {
  const block = await rpc.call('eth_getBlockByNumber', [hex(n), true], { signal });
  if (block === null) throw new RpcError('null_result', `block ${n} is unknown`);
  const txs = (block as { transactions?: unknown }).transactions;
  if (!Array.isArray(txs)) throw new RpcError('bad_response', 'block has no transactions');
  return txs.map((tx) => decodeTx(tx, n));
}

function decodeTx(tx: unknown, blockNumber: number): TxView {
  if (tx === null || typeof tx !== 'object') {
    throw new RpcError('bad_response', 'a transaction is not an object (full blocks expected)');
  }
  const t = tx as { hash?: unknown; from?: unknown; to?: unknown };
  return {
    hash: parseData(t.hash, 'tx.hash', 32),
    from: parseData(t.from, 'tx.from', 20),
    to: t.to === null || t.to === undefined ? null : parseData(t.to, 'tx.to', 20),
    blockNumber,
  };
}
