// Last oracle values perpsim knows for the price feeds of its example proposals, used as the analysis price when the
// user gives none. Each entry says where the value comes from; perpsim does not query any chain.

export interface KnownOracleValue {
  /** the feed, in words */
  readonly feed: string;
  /** the value in quote units, as a decimal string */
  readonly price: string;
  /** where the value comes from and when it held */
  readonly source: string;
}

/** Keyed by the oracle's Ethereum contract address, lower case. */
export const KNOWN_ORACLE_VALUES: Readonly<Record<string, KnownOracleValue>> = {
  '0x2c1d072e956affc0d435cb7ac38ef18d24d9127c': {
    feed: 'Chainlink LINK/USD (Ethereum mainnet)',
    price: '11',
    source:
      'LINK price used by the reviewers of the VMP-14 LINK/USD perpetual proposal (Vega forum, late 2023): "11 x 0.1 x 0.02264"',
  },
};
