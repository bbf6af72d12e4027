import { readFileSync } from 'node:fs';

/** Folder of the shared Besu fixtures; `shared/` sits beside the repository folder. */
export const BESU_FIXTURES_DIR = new URL('../../../shared/fixtures/besu/', import.meta.url);

/** Reads and parses a JSON fixture by its path below shared/fixtures/besu/. */
export function loadBesuFixture<T = unknown>(relativePath: string): T {
  const url = new URL(relativePath, BESU_FIXTURES_DIR);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** A genesis file: only the fields the consensus tests read are typed. */
export interface GenesisFixture {
  config: Record<string, unknown>;
  extraData: string;
  [k: string]: unknown;
}

/** Loads genesis/<name>. */
export function loadGenesis(name: string): GenesisFixture {
  return loadBesuFixture<GenesisFixture>(`genesis/${name}`);
}

/** Header shape used by Consensys/qbft-tests (numbers, ommersHash/coinbase names). */
export interface QbftTestsHeader {
  parentHash: string;
  ommersHash: string;
  coinbase: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  logsBloom: string;
  difficulty: number;
  number: number;
  gasLimit: number;
  gasUsed: number;
  timestamp: number;
  extraData: string;
  mixHash: string;
  nonce: number;
}

const toQuantity = (n: number): string => `0x${n.toString(16)}`;

/** Converts a qbft-tests header into the raw eth_getBlockByNumber JSON shape Besu returns. */
export function qbftTestsHeaderToRawBlock(h: QbftTestsHeader): Record<string, unknown> {
  return {
    parentHash: h.parentHash,
    sha3Uncles: h.ommersHash,
    miner: h.coinbase,
    stateRoot: h.stateRoot,
    transactionsRoot: h.transactionsRoot,
    receiptsRoot: h.receiptsRoot,
    logsBloom: h.logsBloom,
    difficulty: toQuantity(h.difficulty),
    number: toQuantity(h.number),
    gasLimit: toQuantity(h.gasLimit),
    gasUsed: toQuantity(h.gasUsed),
    timestamp: toQuantity(h.timestamp),
    extraData: h.extraData,
    mixHash: h.mixHash,
    nonce: `0x${h.nonce.toString(16).padStart(16, '0')}`,
  };
}

/** Turns a genesis file into the raw block JSON a node serves for block 0. */
export function genesisToRawBlock(g: GenesisFixture): Record<string, unknown> {
  const zero32 = `0x${'00'.repeat(32)}`;
  const emptyTrie = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
  return {
    parentHash: g['parentHash'] ?? zero32,
    sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
    miner: g['coinbase'] ?? `0x${'00'.repeat(20)}`,
    stateRoot: zero32,
    transactionsRoot: emptyTrie,
    receiptsRoot: emptyTrie,
    logsBloom: `0x${'00'.repeat(256)}`,
    difficulty: g['difficulty'] ?? '0x1',
    number: '0x0',
    gasLimit: g['gasLimit'],
    gasUsed: '0x0',
    timestamp: g['timestamp'] ?? '0x0',
    extraData: g.extraData,
    mixHash: g['mixHash'],
    nonce: g['nonce'] ?? '0x0',
  };
}
