// The network's incentive programmes in a simulation: the scenario's `programmes` section (referral programme and
// referral sets, volume discount tiers, volume rebate tiers, recurring reward transfers), validated with field-path
// errors, enacted on the engine through its public surface (Exchange.programmes, as a governance enactment and the
// parties' own commands would), and the tracker that splits each party's P&L into the programmes' lines: fee
// discounts (referral 0083-RFPR and volume 0084-VDPR, money the party did not pay), the high-volume maker rebate
// (0095-HVMR), referral rewards received as a referrer, and trading rewards (0056-REWA, paid into the vesting account
// and vested per 0085-RVST; both accounts count in the party's equity).
//
// Volumes and tier thresholds are in quantum units of the settlement asset, as Vega's programmes count them; amounts
// of reward transfers are in quote units (as every amount of a scenario).
import * as z from 'zod';
import {
  Decimal,
  type EngineEvent,
  type Exchange,
  type FeeBreakdown,
  METRIC_ACCOUNT,
  pow10,
  strategyKey,
  SYSTEM_OWNER,
  type TransferType,
} from '../core/index.ts';

const decimalString = (what: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    try {
      const d = Decimal.parse(String(v), what);
      if (d.isNegative()) throw new RangeError(`${what}: must not be negative`);
      return d;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });
const factor = (what: string) =>
  decimalString(what).refine((d) => d.lte(Decimal.ONE), { message: `${what}: at most 1` });

/** One factor for every fee component, or one per component. */
const factors = (what: string) =>
  z.union([
    factor(what).transform((d) => ({ infrastructure: d, maker: d, liquidity: d })),
    z.strictObject({
      infrastructure: factor(`${what}.infrastructure`).default(Decimal.ZERO),
      maker: factor(`${what}.maker`).default(Decimal.ZERO),
      liquidity: factor(`${what}.liquidity`).default(Decimal.ZERO),
    }),
  ]);

const NONE = { infrastructure: Decimal.ZERO, maker: Decimal.ZERO, liquidity: Decimal.ZERO };

const windowEpochs = z.number().int().min(1).max(200).default(1);

const ascending = <T>(key: (t: T) => Decimal, what: string) =>
  [
    (ts: readonly T[]) => ts.every((t, i) => i === 0 || key(t).gt(key(ts[i - 1]!))),
    { message: `tiers: ${what} must increase strictly from one tier to the next` },
  ] as const;

const referralTier = z.strictObject({
  /** running taker volume of the referral set, quantum units */
  minVolume: decimalString('minVolume').default(Decimal.ZERO),
  /** epochs a referee must have been in the set */
  minEpochs: z.number().int().min(0).max(1000).default(0),
  discount: factors('discount').default(NONE),
  reward: factors('reward').default(NONE),
});

const referral = z.strictObject({
  windowEpochs,
  tiers: z
    .array(referralTier)
    .min(1)
    .refine(...ascending((t: z.infer<typeof referralTier>) => t.minVolume, 'minVolume')),
  /** referral sets: a referrer (party or agent name) and its referees (party or agent names: every party of it) */
  sets: z
    .array(z.strictObject({ referrer: z.string().min(1), referees: z.array(z.string().min(1)).min(1) }))
    .default([]),
});

const volumeDiscountTier = z.strictObject({
  /** running taker volume, quantum units */
  minVolume: decimalString('minVolume'),
  discount: factors('discount'),
});

const volumeDiscount = z.strictObject({
  windowEpochs,
  tiers: z
    .array(volumeDiscountTier)
    .min(1)
    .refine(...ascending((t: z.infer<typeof volumeDiscountTier>) => t.minVolume, 'minVolume')),
});

const volumeRebateTier = z.strictObject({
  /** the party's share of all maker volume over the window */
  minFraction: factor('minFraction'),
  /** additional rebate factor (capped by the engine at treasury + buy-back fee factors) */
  rebate: factor('rebate'),
});

const volumeRebate = z.strictObject({
  windowEpochs,
  tiers: z
    .array(volumeRebateTier)
    .min(1)
    .refine(...ascending((t: z.infer<typeof volumeRebateTier>) => t.minFraction, 'minFraction')),
});

const rewardTransfer = z.strictObject({
  metric: z.enum(['MAKER_FEES_PAID', 'MAKER_FEES_RECEIVED', 'LP_FEES_RECEIVED']),
  /** paid each epoch, quote units */
  amount: z.number().positive().max(1e12),
  /** market ids (default: every market settling in the asset) */
  markets: z.array(z.string().min(1)).default([]),
  /** epochs of the metric the reward is shared by */
  windowEpochs,
  /** epochs a reward stays locked in the vesting account */
  lockEpochs: z.number().int().min(0).max(1000).default(0),
  startEpoch: z.number().int().min(1).default(1),
  endEpoch: z.number().int().min(1).optional(),
  /** decay of the amount per epoch (1: constant) */
  factor: decimalString('factor').default(Decimal.ONE),
});

export const programmesSchema = z.strictObject({
  referral: referral.optional(),
  volumeDiscount: volumeDiscount.optional(),
  volumeRebate: volumeRebate.optional(),
  rewards: z.array(rewardTransfer).default([]),
  /** the party that funds the reward transfers (a party outside the agents, with its own deposit) */
  funder: z
    .strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
        .default('rewards-funder'),
      deposit: z.number().positive().max(1e12),
    })
    .optional(),
});

export type ProgrammesSpec = z.infer<typeof programmesSchema>;

/** Cross-field rules of the section, against the scenario's parties (agent names expand to their parties). */
export function checkProgrammes(p: ProgrammesSpec, partiesOf: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  const all = new Set([...partiesOf.values()].flat());
  const expand = (name: string) => (all.has(name) ? [name] : (partiesOf.get(name) ?? []));
  const seen = new Map<string, string>();
  p.referral?.sets.forEach((s, i) => {
    const where = `programmes.referral.sets[${i}]`;
    const ref = expand(s.referrer);
    if (ref.length !== 1)
      problems.push(
        ref.length
          ? `${where}.referrer: "${s.referrer}" names ${ref.length} parties; a referrer is one party`
          : `${where}.referrer: "${s.referrer}" is not a party or agent of the scenario`,
      );
    const use = (party: string, field: string) => {
      const prev = seen.get(party);
      if (prev) problems.push(`${where}.${field}: party "${party}" is already in ${prev}`);
      seen.set(party, where);
    };
    if (ref.length === 1) use(ref[0]!, 'referrer');
    s.referees.forEach((r, j) => {
      const ps = expand(r);
      if (!ps.length) problems.push(`${where}.referees[${j}]: "${r}" is not a party or agent of the scenario`);
      for (const party of ps) use(party, `referees[${j}]`);
    });
  });
  if (p.rewards.length && !p.funder)
    problems.push('programmes.funder: the reward transfers need a funder (name and deposit) to pay them');
  p.rewards.forEach((r, i) => {
    if (r.endEpoch !== undefined && r.endEpoch < r.startEpoch)
      problems.push(`programmes.rewards[${i}].endEpoch: ${r.endEpoch} is before startEpoch ${r.startEpoch}`);
  });
  if (p.funder && all.has(p.funder.name))
    problems.push(`programmes.funder.name: "${p.funder.name}" is already an agent's party`);
  return problems;
}

/** The market facts enactment needs. */
export interface ProgrammeMarkets {
  readonly ids: readonly string[];
  /** settlement asset id and decimals of a market */
  assetOf(id: string): { id: string; decimals: number };
}

const units = (x: number, decimals: number) =>
  Decimal.parse(String(x), 'amount')
    .mul(Decimal.fromBigInt(pow10(decimals)))
    .floor();

/**
 * Enacts the programmes on the engine before the first epoch starts (so they are in force from epoch 0; their
 * benefits follow from the volumes of each closed epoch). Throws an Error naming the field for what the engine
 * refuses.
 */
/**
 * Vega's network default of `referralProgram.maxReferralRewardProportion` (0083-RFPR: the most of a referee's taker
 * fees the referrer may receive). The engine starts at 0, as Vega's feature harness does (it sets only what a feature
 * sets); a simulated network with a referral programme starts from the network's default instead, unless the
 * scenario's `network` section sets it.
 */
export const MAX_REFERRAL_REWARD_PROPORTION: readonly [string, string] = [
  'referralProgram.maxReferralRewardProportion',
  '0.5',
];

export function enactProgrammes(
  ex: Exchange,
  p: ProgrammesSpec,
  partiesOf: ReadonlyMap<string, readonly string[]>,
  markets: ProgrammeMarkets,
): void {
  const all = new Set([...partiesOf.values()].flat());
  const expand = (name: string) => (all.has(name) ? [name] : (partiesOf.get(name) ?? []));
  const pr = ex.programmes;
  const epoch = Math.max(ex.epochSeq, 0);
  const field = (where: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  };
  if (p.referral) {
    const r = p.referral;
    field('programmes.referral', () =>
      pr.referral.setProgram({
        endOfProgram: 0n,
        windowLength: r.windowEpochs,
        benefitTiers: r.tiers.map((t) => ({
          minRunningVolume: t.minVolume,
          minEpochs: t.minEpochs,
          reward: t.reward,
          discount: t.discount,
        })),
        stakingTiers: [],
      }),
    );
    r.sets.forEach((s, i) => {
      const referrer = expand(s.referrer)[0]!;
      const code = `ref-${i}`;
      field(`programmes.referral.sets[${i}].referrer`, () =>
        pr.referral.createSet(referrer, code, epoch, pr.stakedOf(referrer)),
      );
      s.referees.forEach((name, j) => {
        for (const party of expand(name))
          field(`programmes.referral.sets[${i}].referees[${j}]`, () => pr.referral.applyCode(party, code, epoch));
      });
    });
  }
  if (p.volumeDiscount) {
    const v = p.volumeDiscount;
    field('programmes.volumeDiscount', () =>
      pr.volumeDiscount.setProgram({
        endOfProgram: 0n,
        windowLength: v.windowEpochs,
        tiers: v.tiers.map((t) => ({ minRunningVolume: t.minVolume, discount: t.discount })),
      }),
    );
  }
  if (p.volumeRebate) {
    const v = p.volumeRebate;
    field('programmes.volumeRebate', () =>
      pr.volumeRebate.setProgram({
        endOfProgram: 0n,
        windowLength: v.windowEpochs,
        tiers: v.tiers.map((t) => ({ minFraction: t.minFraction, rebate: t.rebate })),
      }),
    );
  }
  if (p.funder && p.rewards.length) {
    const f = p.funder;
    const asset = markets.assetOf(markets.ids[0]!);
    // the funder holds its deposit in every asset a reward transfer pays in
    const funded = new Set<string>();
    p.rewards.forEach((r, i) => {
      const where = `programmes.rewards[${i}]`;
      for (const [j, m] of r.markets.entries())
        if (!markets.ids.includes(m))
          throw new Error(`${where}.markets[${j}]: "${m}" is not a market of the scenario (${markets.ids.join(', ')})`);
      const a = r.markets.length ? markets.assetOf(r.markets[0]!) : asset;
      for (const [j, m] of r.markets.entries())
        if (markets.assetOf(m).id !== a.id)
          throw new Error(
            `${where}.markets[${j}]: "${m}" settles in another asset than ${r.markets[0]}; one asset a transfer`,
          );
      if (!funded.has(a.id)) {
        const res = ex.deposit(f.name, a.id, units(f.deposit, a.decimals));
        if (res.error) throw new Error(`programmes.funder.deposit: ${res.error}`);
        funded.add(a.id);
      }
      const s = {
        metric: r.metric,
        metricAsset: a.id,
        markets: r.markets,
        windowLength: r.windowEpochs,
        lockPeriod: r.lockEpochs,
        stakingRequirement: 0n,
        eligibleKeys: [],
      } as const;
      const key = strategyKey(s);
      field(where, () => {
        pr.addRewardStrategy(key, s);
        pr.transfers.submitRecurring({
          id: `reward-${i}`,
          from: f.name,
          fromKind: 'GENERAL',
          to: SYSTEM_OWNER,
          toKind: METRIC_ACCOUNT[r.metric],
          asset: a.id,
          amount: units(r.amount, a.decimals),
          startEpoch: r.startEpoch,
          endEpoch: r.endEpoch,
          factor: r.factor,
          dispatch: { metric: r.metric, metricAsset: a.id, markets: r.markets, key },
        });
      });
    });
  }
}

/** A party's programme lines, asset precision (see ProgrammeTracker.linesOf). */
export interface ProgrammeLines {
  /** what the party's fees line must add so that it shows the fees before discounts */
  readonly feeAdjust: bigint;
  /** referral and volume discounts on the fees it paid (money saved) */
  readonly discounts: bigint;
  /** high-volume maker rebates received */
  readonly rebates: bigint;
  /** referral rewards received as a referrer */
  readonly referralRewards: bigint;
  /** trading rewards paid into its vesting account (vesting and vested) */
  readonly rewards: bigint;
}

/** The programme income of one party at the end of one epoch, cumulative, asset precision. */
export interface EpochProgrammeRow {
  readonly epoch: number;
  readonly party: string;
  readonly discounts: bigint;
  readonly rebates: bigint;
  readonly referralRewards: bigint;
  readonly rewards: bigint;
  readonly vested: bigint;
}

const sumParts = (f: FeeBreakdown): bigint => {
  let s = 0n;
  for (const p of [f.referralDiscount, f.volumeDiscount]) if (p) s += p.infrastructureFee + p.makerFee + p.liquidityFee;
  return s;
};

const INCOME: Partial<Record<TransferType, 'rebates' | 'referralRewards' | 'rewards'>> = {
  HIGH_MAKER_FEE_REBATE_RECEIVE: 'rebates',
  FEE_REFERRER_REWARD_DISTRIBUTE: 'referralRewards',
  REWARD_PAYOUT: 'rewards',
};

interface Acc {
  discounts: bigint;
  rebates: bigint;
  referralRewards: bigint;
  rewards: bigint;
  /** fees the party paid that the programmes carve out of its fee (referrer reward, high-volume maker fee) */
  carved: bigint;
  vested: bigint;
}

/** Follows the engine's events for the programme lines of every party and their history by epoch. */
export class ProgrammeTracker {
  private readonly acc = new Map<string, Acc>();
  readonly epochs: EpochProgrammeRow[] = [];

  constructor(private readonly parties: ReadonlySet<string>) {}

  private of(party: string): Acc {
    let a = this.acc.get(party);
    if (!a) {
      a = { discounts: 0n, rebates: 0n, referralRewards: 0n, rewards: 0n, carved: 0n, vested: 0n };
      this.acc.set(party, a);
    }
    return a;
  }

  /** An event sink function that feeds the tracker, then `next`. */
  wrap(next: ((e: EngineEvent) => void) | undefined): (e: EngineEvent) => void {
    return next
      ? (e) => {
          this.onEvent(e);
          next(e);
        }
      : (e) => this.onEvent(e);
  }

  onEvent(e: EngineEvent): void {
    if (e.type === 'trade') {
      const t = e.trade;
      const b = sumParts(t.buyerFee);
      if (b > 0n && this.parties.has(t.buyer)) this.of(t.buyer).discounts += b;
      const s = sumParts(t.sellerFee);
      if (s > 0n && this.parties.has(t.seller)) this.of(t.seller).discounts += s;
    } else if (e.type === 'ledger') {
      const x = e.entry;
      if (x.type === 'HIGH_MAKER_FEE_REBATE_PAY' || x.type === 'FEE_REFERRER_REWARD_PAY') {
        if (this.parties.has(x.from.owner)) this.of(x.from.owner).carved += x.amount;
      } else if (x.type === 'REWARDS_VESTED') {
        if (this.parties.has(x.to.owner)) this.of(x.to.owner).vested += x.amount;
      } else {
        const line = INCOME[x.type];
        if (line && this.parties.has(x.to.owner)) this.of(x.to.owner)[line] += x.amount;
      }
    } else if (e.type === 'epoch' && e.action === 'END') {
      for (const party of [...this.acc.keys()].sort()) {
        const a = this.acc.get(party)!;
        this.epochs.push({
          epoch: e.seq,
          party,
          discounts: a.discounts,
          rebates: a.rebates,
          referralRewards: a.referralRewards,
          rewards: a.rewards,
          vested: a.vested,
        });
      }
    }
  }

  /**
   * A party's programme lines. The fee transfers of the split show what the party paid after discounts, less the
   * referrer reward and the high-volume maker fee the engine carves out of it (paid as their own transfers);
   * feeAdjust (−carved − discounts) turns the fees line into the fees before any programme, so that fees + discounts
   * is what the party actually paid, and the lines still sum to the equity change.
   */
  linesOf(party: string): ProgrammeLines {
    const a = this.acc.get(party);
    if (!a) return { feeAdjust: 0n, discounts: 0n, rebates: 0n, referralRewards: 0n, rewards: 0n };
    return {
      feeAdjust: -a.carved - a.discounts,
      discounts: a.discounts,
      rebates: a.rebates,
      referralRewards: a.referralRewards,
      rewards: a.rewards,
    };
  }

  vestedOf(party: string): bigint {
    return this.acc.get(party)?.vested ?? 0n;
  }
}
