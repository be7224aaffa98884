// The shape of a proposal analysis (what `perpsim analyze --json` prints), the options and the thresholds the
// review warnings use.
import type { DefaultedField, ProposalRepair } from '../proposal/index.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface AnalysisWarning {
  readonly code: string;
  readonly severity: Severity;
  /** JSON path of the field in the proposal as given ('(document)' for the proposal as a whole) */
  readonly path: string;
  readonly message: string;
}

export interface AnalyzeOptions {
  /** price in quote units (market units) at which margins, bounds and target stake are evaluated */
  readonly price?: string;
  /** leverage above this is flagged (default DEFAULT_MAX_LEVERAGE) */
  readonly maxLeverage?: number;
  /** leverage below this is flagged (default DEFAULT_MIN_LEVERAGE) */
  readonly minLeverage?: number;
  /** the leverage the designers aim for: flagged when off by more than TARGET_TOLERANCE, and the tau that gives it */
  readonly targetLeverage?: number;
  /** spam.order.minimalMarginQuantumMultiple: a smallest order whose margin is below this × quantum is flagged */
  readonly minOrderMarginQuantumMultiple?: string;
}

export const DEFAULT_MAX_LEVERAGE = 100;
export const DEFAULT_MIN_LEVERAGE = 2;
export const DEFAULT_MIN_ORDER_MARGIN_QUANTUM_MULTIPLE = '0.1';
/** relative deviation from --target-leverage that is flagged */
export const TARGET_TOLERANCE = 0.15;
/** comparables: a leverage at least this many times (or at most 1/this of) the others' median is flagged */
export const COMPARABLE_RATIO = 2;
/** a margin horizon (tau) shorter than this, in seconds, is flagged */
export const SHORT_TAU_SECONDS = 60;

export interface SideValues<T> {
  readonly long: T;
  readonly short: T;
}

export interface MarginSet {
  readonly maintenance: SideValues<string>;
  readonly initial: SideValues<string>;
}

export interface PriceMonitoringEntry {
  readonly horizon: number;
  readonly horizonText: string;
  readonly probability: string;
  readonly auctionExtension: number;
  /** bounds at the analysis price, in market precision (min rounded up, max down, as Vega reports them) */
  readonly min: string;
  readonly max: string;
  /** the moves the bounds allow, in % of the price */
  readonly downPct: number;
  readonly upPct: number;
  readonly factors: { readonly down: string; readonly up: string };
}

export interface OracleInfo {
  readonly kind: 'ethereum' | 'signed';
  readonly address?: string;
  /** seconds between Ethereum oracle reads */
  readonly every?: number;
  readonly requiredConfirmations?: number;
  readonly signers?: number;
  readonly decimals: number;
  readonly property: string;
}

export interface FundingAnalysis {
  /** seconds between funding payments (time-trigger schedule), null for an oracle schedule */
  readonly every: number | null;
  readonly everyText: string;
  readonly periodsPerYear: number | null;
  readonly oracle: OracleInfo;
  readonly interestRate: string;
  /** interestRate × period / 365 days (the engine's funding year) */
  readonly interestPerPeriod: string | null;
  readonly clampLowerBound: string;
  readonly clampUpperBound: string;
  /** the funding rate per period when the mark and oracle prices agree, computed by the engine's funding code */
  readonly rateAtZeroPremium: string | null;
  readonly annualisedAtZeroPremium: number | null;
  readonly fundingRateScalingFactor: string | null;
  readonly fundingRateBounds: { readonly lower: string | null; readonly upper: string | null };
  /** largest funding payment per period in % of notional; null when the rate is not bounded */
  readonly largestPaymentPct: number | null;
  readonly largestPaymentNote: string;
  readonly marginFundingFactor: string;
  /** funding margin add-on per contract at zero premium (quote units) */
  readonly marginAddOnPerContract: string | null;
}

export interface ProposalAnalysis {
  readonly source: string;
  readonly title: string | null;
  readonly market: {
    readonly name: string;
    readonly code: string;
    readonly product: 'future' | 'perpetual' | 'spot';
    readonly settlementAsset: {
      readonly id: string;
      readonly symbol: string;
      readonly decimals: number;
      readonly quantum: string;
    };
    readonly decimalPlaces: number;
    readonly positionDecimalPlaces: number;
    /** price tick in quote units */
    readonly tick: string;
    /** smallest order in contracts */
    readonly smallestOrder: string;
    readonly metadata: readonly string[];
    readonly closingTimestamp: number | null;
    readonly enactmentTimestamp: number | null;
  };
  readonly price: { readonly value: string; readonly source: 'option' | 'oracle' | 'default'; readonly note: string };
  readonly riskModel:
    | {
        readonly kind: 'logNormal';
        readonly tau: number;
        /** tau as a time horizon (365.25-day year) */
        readonly tauSeconds: number;
        readonly tauText: string;
        readonly riskAversionParameter: number;
        readonly mu: number;
        readonly r: number;
        readonly sigma: number;
        readonly riskFactorOverride: boolean;
      }
    | {
        readonly kind: 'simple';
        readonly factorLong: string;
        readonly factorShort: string;
        readonly maxMoveUp: string;
        readonly minMoveDown: string;
        readonly probabilityOfTrading: string;
      };
  readonly riskFactors: SideValues<string>;
  readonly leverage: {
    /** 1 / risk factor */
    readonly max: SideValues<number>;
    /** max / initial margin scaling factor */
    readonly initial: SideValues<number>;
    readonly initialMarginScalingFactor: string;
    /** 1 / (max risk factor + linear slippage factor): the most an isolated-margin position can use */
    readonly isolated: number;
    readonly linearSlippageFactor: string;
    /** the larger of max.long and max.short */
    readonly headline: number;
    /** JSON path of the risk model in the proposal */
    readonly riskModelPath: string;
    /** with --target-leverage: the tau that gives it, other parameters unchanged */
    readonly target?: { readonly leverage: number; readonly tau: number | null; readonly tauText: string | null };
  };
  readonly margins: {
    readonly price: string;
    readonly asset: string;
    /** per contract (one unit of the underlying), exact, before rounding to asset units */
    readonly perContract: { readonly position: MarginSet; readonly order: MarginSet };
    /** for the smallest order the position decimals allow, as the engine charges it (rounded up to asset units) */
    readonly smallestOrder: { readonly size: string; readonly position: MarginSet; readonly order: MarginSet };
    /** Vega's spam check (0062-SPAM): (rf + linear slippage) × size × price ≥ multiple × quantum */
    readonly spamCheck: {
      readonly margin: string;
      readonly threshold: string;
      readonly quantumMultiple: string;
      readonly passes: boolean;
    };
    readonly notes: readonly string[];
  };
  readonly priceMonitoring: readonly PriceMonitoringEntry[];
  readonly funding: FundingAnalysis | null;
  readonly liquidity: {
    readonly targetStake: {
      readonly timeWindow: number;
      readonly timeWindowText: string;
      readonly scalingFactor: string;
      /** target stake per contract of open interest at the price (quote units) */
      readonly perContractOfOpenInterest: string;
      /** target stake as a fraction of open-interest notional: trunc5(max rf) × trunc5(scaling factor) */
      readonly fractionOfOpenInterestNotional: string;
    };
    readonly feeMethod: string;
    readonly sla: {
      readonly priceRange: string;
      readonly commitmentMinTimeFraction: string;
      readonly performanceHysteresisEpochs: number;
      readonly slaCompetitionFactor: string;
      readonly description: readonly string[];
    };
  };
  readonly fees: {
    readonly maker: string;
    readonly infrastructure: string;
    readonly buyBack: string;
    readonly treasury: string;
  };
  readonly defaults: readonly DefaultedField[];
  readonly repairs: readonly ProposalRepair[];
  readonly warnings: AnalysisWarning[];
}

/** Raised for options the analyser cannot use (a bad --price). */
export class AnalysisError extends Error {}
