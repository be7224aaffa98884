// What a trader, maker or liquidity provider receives from the network's incentive programmes at a given volume
// (`perpsim analyze PROPOSAL --programme FILE --volumes SPEC`): the programme file is the simulator's `programmes`
// section (src/sim/programmes.ts: referral, volume discount and rebate tiers, reward transfers); the volumes are per
// epoch, in the settlement asset, and taken as steady (the same every epoch, so a window of W epochs holds W epochs of
// volume). The tiers are evaluated by the engine's own programmes (core Programmes: the referral engine with the party
// as a referee, 0083-RFPR; the volume discount, 0084-VDPR; the volume rebate from the party's share of maker volume,
// 0095-HVMR), the fees are cut by the engine's applyTakerBenefits (referral discount, then volume discount, then the
// referrer's cut, each floored, 0029-FEES) and the rebate is the engine's applyMakerRebate (floor(volume × rebate)
// capped at the treasury + buy-back fees). Rewards (0056-REWA) are pro rata to the metric: the party's share of the
// epoch's maker fees paid or received (its taker or maker volume over the market volume, every continuous trade
// having one maker and one taker) or the LP-fee share given, × the transfer's amount, floored; before the activity
// streak and vesting bonus multipliers (1 unless set).
//
// Fees are computed on the epoch's volume as one amount (the engine floors per trade, so a run pays up to one unit
// per trade and component less discount than this); all amounts are exact, in asset units, shown in quote units.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  applyMakerRebate,
  applyTakerBenefits,
  Decimal,
  pow10,
  type ProgrammeFactors,
  Programmes,
} from '../core/index.ts';
import { loadProposalFile, type AssetRegistry } from '../proposal/index.ts';
import { MAX_REFERRAL_REWARD_PROPORTION, programmesSchema, type ProgrammesSpec } from '../sim/programmes.ts';

export class ProgrammeAnalysisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgrammeAnalysisError';
  }
}

/** Per-epoch volumes of the party and of the market, settlement asset units (quote units, e.g. USDT). */
export interface ProgrammeVolumes {
  /** the party's taker (aggressive) notional per epoch */
  readonly taker: Decimal;
  /** the party's maker (passive) notional per epoch */
  readonly maker: Decimal;
  /** all continuous-trading notional of the market per epoch (every trade has one maker and one taker) */
  readonly market: Decimal;
  /** the party's share of the market's LP fees (for LP_FEES_RECEIVED rewards) */
  readonly lpShare: Decimal;
  /** other referees' taker notional per epoch in the party's referral set */
  readonly set: Decimal;
}

export interface FeeFactorsInput {
  readonly makerFee: Decimal;
  readonly infrastructureFee: Decimal;
  readonly liquidityFee: Decimal;
  readonly treasuryFee: Decimal;
  readonly buyBackFee: Decimal;
}

export interface ProgrammeAnalysisInput {
  readonly programmes: ProgrammesSpec;
  readonly fees: FeeFactorsInput;
  readonly assetDecimals: number;
  /** asset quantum, asset units */
  readonly quantum: Decimal;
  readonly volumes: ProgrammeVolumes;
}

/** One epoch's amounts, asset units (strings of exact integers). */
export interface ProgrammeAnalysis {
  readonly epochsEvaluated: number;
  readonly referralDiscountFactors: Record<keyof ProgrammeFactors, string>;
  readonly volumeDiscountFactors: Record<keyof ProgrammeFactors, string>;
  readonly rebateFactor: string;
  /** the party's share of all maker volume over the rebate window */
  readonly makerFraction: string;
  /** taker fees (maker + infrastructure + liquidity) before any programme */
  readonly takerFeesBefore: bigint;
  readonly referralDiscount: bigint;
  readonly volumeDiscount: bigint;
  /** the referrer's cut of the party's fees (paid by the party, not a saving) */
  readonly referrerReward: bigint;
  readonly takerFeesAfter: bigint;
  /** maker fees received on the maker volume */
  readonly makerFeesReceived: bigint;
  /** the high-volume maker rebate on the maker volume */
  readonly rebate: bigint;
  readonly rewards: readonly { metric: string; amount: bigint; share: string; reward: bigint }[];
  /** discounts + rebate + rewards: what the programmes add to the party's P&L per epoch */
  readonly total: bigint;
}

const PARTY = 'party';
const factorsOf = (f: ProgrammeFactors) => ({
  infrastructure: f.infrastructure.toString(),
  maker: f.maker.toString(),
  liquidity: f.liquidity.toString(),
});

/** The programmes' amounts for one steady epoch of the given volumes. */
export function analyseProgrammes(input: ProgrammeAnalysisInput): ProgrammeAnalysis {
  const { programmes: p, fees: f, volumes: v } = input;
  const scale = Decimal.fromBigInt(pow10(input.assetDecimals));
  const units = (x: Decimal) => x.mul(scale).floor();
  const q = (x: Decimal) => x.mul(scale).div(input.quantum);
  if (v.maker.gt(v.market)) throw new ProgrammeAnalysisError('--volumes: maker is more than the market volume');
  if (v.taker.gt(v.market)) throw new ProgrammeAnalysisError('--volumes: taker is more than the market volume');
  // a party's taker trades and maker trades are different trades of the market
  if (v.maker.add(v.taker).gt(v.market))
    throw new ProgrammeAnalysisError('--volumes: taker + maker is more than the market volume');

  // the engine's own programmes, fed the steady volumes for enough epochs to fill every window and minEpochs
  const eng = new Programmes();
  eng.setParameter(...MAX_REFERRAL_REWARD_PROPORTION);
  if (p.referral)
    eng.referral.setProgram({
      endOfProgram: 0n,
      windowLength: p.referral.windowEpochs,
      benefitTiers: p.referral.tiers.map((t) => ({
        minRunningVolume: t.minVolume,
        minEpochs: t.minEpochs,
        reward: t.reward,
        discount: t.discount,
      })),
      stakingTiers: [],
    });
  if (p.volumeDiscount)
    eng.volumeDiscount.setProgram({
      endOfProgram: 0n,
      windowLength: p.volumeDiscount.windowEpochs,
      tiers: p.volumeDiscount.tiers.map((t) => ({ minRunningVolume: t.minVolume, discount: t.discount })),
    });
  if (p.volumeRebate)
    eng.volumeRebate.setProgram({
      endOfProgram: 0n,
      windowLength: p.volumeRebate.windowEpochs,
      tiers: p.volumeRebate.tiers.map((t) => ({ minFraction: t.minFraction, rebate: t.rebate })),
    });
  eng.referral.createSet('referrer', 'analysis', 0, 0n);
  eng.referral.applyCode(PARTY, 'analysis', 0);
  eng.referral.applyCode('other-referee', 'analysis', 0);
  const epochs =
    Math.max(
      p.referral?.windowEpochs ?? 1,
      p.volumeDiscount?.windowEpochs ?? 1,
      p.volumeRebate?.windowEpochs ?? 1,
      ...(p.referral?.tiers.map((t) => t.minEpochs) ?? [0]),
    ) + 1;
  const trade = (buyer: string, seller: string, x: Decimal) => {
    if (x.isPositive()) eng.onTrade({ buyer, seller, aggressor: 'buyer', quantumNotional: q(x) });
  };
  for (let e = 0; e < epochs; e++) {
    eng.onEpochStart(e);
    trade(PARTY, 'others', v.taker);
    trade('others', PARTY, v.maker);
    trade('other-referee', 'others', v.set);
    const rest = v.market.sub(v.taker).sub(v.maker);
    if (rest.isPositive()) trade('others', 'others-2', rest);
    eng.onEpochEnd(e, BigInt(e + 1), new Map());
  }
  eng.onEpochStart(epochs);

  const benefits = eng.takerBenefits(PARTY);
  const before = {
    infrastructureFee: units(v.taker.mul(f.infrastructureFee)),
    makerFee: units(v.taker.mul(f.makerFee)),
    liquidityFee: units(v.taker.mul(f.liquidityFee)),
  };
  const r = applyTakerBenefits(before, benefits);
  const sum = (x: { infrastructureFee: bigint; makerFee: bigint; liquidityFee: bigint }) =>
    x.infrastructureFee + x.makerFee + x.liquidityFee;
  const rebateFactor = eng.makerRebate(PARTY);
  const makerValue = Decimal.fromBigInt(units(v.maker));
  const split = applyMakerRebate(
    makerValue,
    rebateFactor,
    f.treasuryFee,
    f.buyBackFee,
    units(v.maker.mul(f.treasuryFee)),
    units(v.maker.mul(f.buyBackFee)),
  );
  const rewards = p.rewards.map((t) => {
    const share = !v.market.isPositive()
      ? Decimal.ZERO
      : t.metric === 'MAKER_FEES_RECEIVED'
        ? v.maker.div(v.market)
        : t.metric === 'MAKER_FEES_PAID'
          ? v.taker.div(v.market)
          : v.lpShare;
    const amount = units(Decimal.parse(String(t.amount), 'amount'));
    // 0056-REWA pro rata: floor(amount × metric / Σ metric)
    return { metric: t.metric, amount, share: share.toString(), reward: Decimal.fromBigInt(amount).mul(share).floor() };
  });
  const discounts = sum(r.referralDiscount) + sum(r.volumeDiscount);
  return {
    epochsEvaluated: epochs,
    referralDiscountFactors: factorsOf(benefits.referralDiscount),
    volumeDiscountFactors: factorsOf(benefits.volumeDiscount),
    rebateFactor: rebateFactor.toString(),
    makerFraction: eng.volumeRebate.makerFractionOf(PARTY).toString(),
    takerFeesBefore: sum(before),
    referralDiscount: sum(r.referralDiscount),
    volumeDiscount: sum(r.volumeDiscount),
    referrerReward: sum(r.referrerReward),
    takerFeesAfter: sum(r.fees) + sum(r.referrerReward),
    makerFeesReceived: units(v.maker.mul(f.makerFee)),
    rebate: split.highVolumeMakerFee,
    rewards,
    total: discounts + split.highVolumeMakerFee + rewards.reduce((s, x) => s + x.reward, 0n),
  };
}

/** Reads a programme file (YAML or JSON: the simulator's `programmes` section). */
export function loadProgrammeFile(path: string): ProgrammesSpec {
  let doc: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProgrammeAnalysisError(
      `--programme ${path}: ${code ? `cannot read the file (${code})` : `not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`}`,
    );
  }
  const r = programmesSchema.safeParse(doc);
  if (!r.success)
    throw new ProgrammeAnalysisError(
      `--programme ${path}:\n${r.error.issues.map((i) => `  ${i.path.map(String).join('.') || '(document)'}: ${i.message}`).join('\n')}`,
    );
  return r.data;
}

/** Parses `taker=X,maker=Y,market=Z[,lp-share=F][,set=S]` (per-epoch notionals in quote units). */
export function parseVolumes(spec: string): ProgrammeVolumes {
  const seen = new Map<string, Decimal>();
  for (const part of spec.split(',')) {
    const m = /^\s*([a-z-]+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(part);
    if (!m) throw new ProgrammeAnalysisError(`--volumes: "${part}" is not key=value`);
    const [, key, value] = m;
    if (!['taker', 'maker', 'market', 'lp-share', 'set'].includes(key!))
      throw new ProgrammeAnalysisError(`--volumes: unknown key "${key}" (taker, maker, market, lp-share, set)`);
    let d: Decimal;
    try {
      d = Decimal.parse(value!, key);
    } catch (e) {
      throw new ProgrammeAnalysisError(`--volumes: ${(e as Error).message}`);
    }
    if (d.isNegative()) throw new ProgrammeAnalysisError(`--volumes: ${key} must not be negative`);
    if (key === 'lp-share' && d.gt(Decimal.ONE)) throw new ProgrammeAnalysisError('--volumes: lp-share is at most 1');
    seen.set(key!, d);
  }
  const market = seen.get('market');
  if (!market) throw new ProgrammeAnalysisError('--volumes: market=… (the market notional per epoch) is required');
  return {
    taker: seen.get('taker') ?? Decimal.ZERO,
    maker: seen.get('maker') ?? Decimal.ZERO,
    market,
    lpShare: seen.get('lp-share') ?? Decimal.ZERO,
    set: seen.get('set') ?? Decimal.ZERO,
  };
}

/** The analysis as text; amounts in quote units. */
export function renderProgrammes(a: ProgrammeAnalysis, symbol: string, decimals: number): string {
  const s = Decimal.fromBigInt(pow10(decimals));
  const amt = (x: bigint) => `${Decimal.fromBigInt(x).div(s).toFixed(Math.min(decimals, 6))} ${symbol}`;
  const fac = (f: Record<string, string>) =>
    `infra ${f['infrastructure']}, maker ${f['maker']}, liquidity ${f['liquidity']}`;
  return [
    `Programmes per epoch (steady volumes, after ${a.epochsEvaluated} epochs)`,
    `  referral discount factors    ${fac(a.referralDiscountFactors)}`,
    `  volume discount factors      ${fac(a.volumeDiscountFactors)}`,
    `  maker volume share           ${a.makerFraction}  → rebate factor ${a.rebateFactor}`,
    `  taker fees before            ${amt(a.takerFeesBefore)}`,
    `  referral discount            ${amt(a.referralDiscount)}`,
    `  volume discount              ${amt(a.volumeDiscount)}`,
    `  referrer's cut (paid)        ${amt(a.referrerReward)}`,
    `  taker fees after (all paid)  ${amt(a.takerFeesAfter)}`,
    `  maker fees received          ${amt(a.makerFeesReceived)}`,
    `  high-volume maker rebate     ${amt(a.rebate)}`,
    ...a.rewards.map(
      (r) => `  reward ${r.metric.toLowerCase().padEnd(21)} ${amt(r.reward)} (share ${r.share} of ${amt(r.amount)})`,
    ),
    `  programmes add               ${amt(a.total)} (discounts + rebate + rewards)`,
  ].join('\n');
}

/** `analyze PROPOSAL --programme FILE --volumes SPEC`: the proposal's fee factors and settlement asset. */
export function runProgrammeAnalysis(
  proposalPath: string,
  file: string,
  volumes: string | undefined,
  assets: AssetRegistry,
): { analysis: ProgrammeAnalysis; symbol: string; decimals: number } {
  if (volumes === undefined)
    throw new ProgrammeAnalysisError('--programme needs --volumes taker=X,maker=Y,market=Z[,lp-share=F][,set=S]');
  const programmes = loadProgrammeFile(file);
  const v = parseVolumes(volumes);
  const parsed = loadProposalFile(proposalPath, { assets });
  const fees = parsed.config.fees;
  return {
    analysis: analyseProgrammes({
      programmes,
      fees,
      assetDecimals: parsed.asset.decimals,
      quantum: parsed.asset.quantum,
      volumes: v,
    }),
    symbol: parsed.asset.symbol,
    decimals: parsed.asset.decimals,
  };
}
