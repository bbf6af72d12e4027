/** Fee fields of a canary transaction: EIP-1559 (type 2) or legacy (type 0), in wei. */
export type FeeFields =
  { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint };

/** What the chain says about fees right now. */
export interface FeeInputs {
  /** The head's baseFeePerGas; null when the head has none (pre-London: legacy fees). */
  baseFeePerGas: bigint | null;
  /** The tip: configured, else eth_maxPriorityFeePerGas. Used for EIP-1559. */
  tipWei: bigint;
  /** eth_gasPrice. Used for legacy. */
  gasPriceWei: bigint;
}

/**
 * The fees of a fresh canary transaction. EIP-1559 when the head has a base fee (a zero base
 * fee, as with Besu's zeroBaseFee, counts): maxFee = 2 x baseFee + tip, so the transaction
 * stays includable while the base fee doubles. Legacy gasPrice otherwise.
 */
export function chooseFees(inputs: FeeInputs): FeeFields {
  if (inputs.baseFeePerGas === null) return { type: 0, gasPrice: inputs.gasPriceWei };
  const tip = inputs.tipWei;
  return { type: 2, maxFeePerGas: inputs.baseFeePerGas * 2n + tip, maxPriorityFeePerGas: tip };
}

/** +25% and one wei: above the 10% price bump Besu, geth and anvil require, even from zero. */
function bump(wei: bigint): bigint {
  return wei + wei / 4n + 1n;
}

/** The highest price a fee offers per gas (what a replacement must beat). */
export function priceCap(fees: FeeFields): bigint {
  return fees.type === 2 ? fees.maxFeePerGas : fees.gasPrice;
}

/**
 * Fees of a replacement at the same nonce: the fresh fees, raised to beat `previous` by the
 * price bump. Without `previous` (a transaction found in flight after a restart, its fee
 * unknown), the fresh fees are doubled.
 */
export function replacementFees(fresh: FeeFields, previous: FeeFields | undefined): FeeFields {
  const floor = previous === undefined ? priceCap(fresh) * 2n : bump(priceCap(previous));
  if (fresh.type === 0) return { type: 0, gasPrice: max(fresh.gasPrice, floor) };
  const prevTip = previous?.type === 2 ? previous.maxPriorityFeePerGas : floor;
  const tip = max(fresh.maxPriorityFeePerGas, previous === undefined ? floor : bump(prevTip));
  return { type: 2, maxFeePerGas: max(fresh.maxFeePerGas, floor, tip), maxPriorityFeePerGas: tip };
}

/** Wei the transaction may cost at most: gasLimit x the price cap (value is zero). */
export function maxCostWei(fees: FeeFields, gasLimit: bigint): bigint {
  return priceCap(fees) * gasLimit;
}

function max(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
