import { decodeExtraData, type BftExtraData, type Consensus } from './extra-data.js';
import {
  commitDigestOfFields,
  EXTRA_DATA_INDEX,
  headerFieldsFromBlock,
  type RawBlock,
} from './header.js';
import { judgeSeals, recoverSigners, type SealVerdict } from './seals.js';

/** Options for judgeBlockSeals. */
export interface BlockSealOptions {
  /** Codec of the chain; 'auto' (default) detects it from the extraData encoding. */
  consensus?: Consensus | 'auto';
  /**
   * Validators that must seal the block. Defaults to the block's own extraData list (header
   * mode); pass the RPC set in validator-contract mode, where that list is empty.
   */
  validators?: string[];
}

/** Everything a prober learns from one block's commit seals. */
export interface BlockSeals {
  consensus: Consensus;
  extra: BftExtraData;
  /** Commit-seal digest (keccak256) the validators signed. */
  digest: string;
  /** Recovered signer per seal, in seal order; null where unrecoverable. */
  signers: Array<string | null>;
  verdict: SealVerdict;
}

/**
 * Decodes a raw eth_getBlockByNumber result, recovers its commit-seal signers and judges them
 * against the validator set. Throws ConsensusError for an undecodable block.
 */
export function judgeBlockSeals(raw: RawBlock, options: BlockSealOptions = {}): BlockSeals {
  const fields = headerFieldsFromBlock(raw);
  const { consensus, extra } = decodeExtraData(fields[EXTRA_DATA_INDEX] ?? '', options.consensus);

  const digest = commitDigestOfFields(fields, extra, consensus);
  const signers = recoverSigners(digest, extra.seals);
  const verdict = judgeSeals(options.validators ?? extra.validators, signers);
  return { consensus, extra, digest, signers, verdict };
}
