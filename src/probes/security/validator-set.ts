import { decodeExtraData } from '../../consensus/extra-data.js';
import type { RpcClient } from '../../rpc/client.js';
import { RpcError } from '../../rpc/errors.js';
import { parseData, parseSafeQuantity } from '../../rpc/hex.js';
import { decodePendingVotes, judgeValidatorSet, judgeVotes, type VoteView } from './judge.js';
import type { SecurityMetrics } from './metrics.js';
import type { CheckOutcome } from './outcome.js';

/** The head's validators and the votes in flight, as read from one endpoint. */
interface ChainValidators {
  number: number;
  validators: string[];
  votes: VoteView[];
}

/**
 * Watches the validator set and the votes that would change it, against the allow-list
 * `expectedValidators` (if configured) and the previous observation. Reads the chain itself:
 * the head's extraData (its validators and its vote), qbft_getValidatorsByBlockNumber for the
 * head (contract mode's set) and qbft_getPendingVotes, each when the node serves it.
 */
export class ValidatorSetTracker {
  private previous: string[] | undefined;

  constructor(
    private readonly allowList: readonly string[] | undefined,
    private readonly metrics: SecurityMetrics,
  ) {}

  /** One observation: sets the validator gauges and counts a change of set. */
  async check(rpc: RpcClient, signal: AbortSignal): Promise<CheckOutcome> {
    const seen = await readValidators(rpc, signal);
    const set = judgeValidatorSet(seen.validators, this.allowList, this.previous);
    const votes = judgeVotes(seen.votes, this.allowList, seen.validators);
    this.previous = seen.validators;

    this.metrics.validatorsUnexpected.set(set.unexpected.length);
    this.metrics.validatorsMissing.set(set.missing.length);
    this.metrics.votesUnexpected.set(votes.length);
    if (set.changed) this.metrics.validatorSetChanges.inc();

    const findings: string[] = [];
    if (set.changed) findings.push(`validator set changed at block ${seen.number}`);
    if (set.unexpected.length > 0)
      findings.push(`validators not on the allow-list: ${set.unexpected.join(', ')}`);
    if (set.missing.length > 0)
      findings.push(`allow-listed validators missing: ${set.missing.join(', ')}`);
    for (const v of votes) findings.push(`vote to ${v.add ? 'add' : 'drop'} ${v.recipient}`);
    return { findings };
  }
}

async function readValidators(rpc: RpcClient, signal: AbortSignal): Promise<ChainValidators> {
  const block = (await rpc.call('eth_getBlockByNumber', ['latest', false], { signal })) as {
    number?: unknown;
    extraData?: unknown;
  } | null;
  if (block === null) throw new RpcError('null_result', 'no latest block');
  const number = parseSafeQuantity(block.number, 'block.number');
  const { extra } = decodeExtraData(parseData(block.extraData, 'block.extraData'));

  const fromApi = await optional(() =>
    rpc.call('qbft_getValidatorsByBlockNumber', [`0x${number.toString(16)}`], { signal }),
  );
  const validators = Array.isArray(fromApi)
    ? fromApi.map((v) => parseData(v, 'validator', 20))
    : extra.validators;
  const pending = await optional(() => rpc.call('qbft_getPendingVotes', [], { signal }));
  const votes = pending === undefined ? [] : decodePendingVotes(pending);
  if (extra.vote) votes.push({ recipient: extra.vote.recipient, add: extra.vote.add });
  return { number, validators: [...validators].sort(), votes };
}

// The QBFT API may be disabled (-32604), and getPendingVotes is not served in contract mode.
async function optional(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RpcError && err.code === 'method_unavailable') return undefined;
    throw err;
  }
}
