// Liquidity (spec 0044-LIME, 0042-LIQF, 0041-TSTK target stake): commitments, epochs, supplied and target stake,
// theoretical open interest and the liquidity fee factor.
import { Decimal } from '../num/decimal.ts';
import { maxBig } from '../num/bigint.ts';
import { NS, otherSide } from '../types.ts';
import { MarketSettle } from './settle.ts';
import { FIVE_DP } from './internal.ts';

const TEN16 = 10n ** 16n;

export abstract class MarketLiquidity extends MarketSettle {
  // ------------------------------------------------------------------ liquidity provisions

  /** Market states in which commitments may be submitted, amended or cancelled. */
  protected canCommit(): boolean {
    return this.canTrade() || this.state === 'PROPOSED';
  }

  submitLiquidityProvision(
    id: string,
    party: string,
    commitment: bigint,
    fee: Decimal,
    reference = id,
  ): string | undefined {
    try {
      return this.submitCommitment(id, party, commitment, fee, reference);
    } finally {
      this.endTransaction(false);
    }
  }

  private submitCommitment(
    id: string,
    party: string,
    commitment: bigint,
    fee: Decimal,
    reference: string,
  ): string | undefined {
    if (!this.canCommit()) return 'commitment submission not allowed';
    const error = this.liquidity.submit(id, party, commitment, fee, reference, this.ctx.assetQuantum(this.asset));
    if (!error) {
      this.marginAccount(party);
      this.parties.add(party);
    }
    return error;
  }

  amendLiquidityProvision(
    party: string,
    commitment: bigint | undefined,
    fee: Decimal | undefined,
    reference?: string,
  ): string | undefined {
    try {
      if (!this.canCommit()) return 'commitment submission not allowed';
      return this.liquidity.amend(party, commitment, fee, reference, this.ctx.assetQuantum(this.asset));
    } finally {
      this.endTransaction(false);
    }
  }

  cancelLiquidityProvision(party: string): string | undefined {
    try {
      return this.liquidity.cancel(party);
    } finally {
      this.endTransaction(false);
    }
  }

  /** Epoch start: SLA parameters and network values are taken up, pending commitments apply. */
  onEpochStart(): void {
    if (this.closed) return;
    this.liquidity.onEpochStart(this.markPrice, this.midPrice(), this.targetStake(), this.cfg.sla);
    this.updateLiquidityFee();
  }

  /** Epoch end: SLA penalties, LP fee distribution and bonuses. */
  onEpochEnd(): void {
    if (this.closed) return;
    this.liquidity.onEpochEnd();
    this.updateLiquidityFee();
  }

  /** Network parameters changed (a governance or harness update). */
  onNetworkParametersChanged(): void {
    this.liquidity.onNetworkParametersChanged();
  }

  suppliedStake(): bigint {
    return this.liquidity.suppliedStake();
  }

  /** Target stake (spec 0041-TSTK): max open interest in the window × price × max risk factor × scaling factor. */
  targetStake(): bigint {
    const now = this.now;
    let price = this.markPrice;
    let maxOi = 0;
    if (this.inAuction) {
      const ip = this.indicativePrice();
      if (ip > 0n) price = ip;
      maxOi = this.theoreticalOpenInterest();
    }
    const from = maxBig(now - BigInt(this.cfg.targetStake.timeWindow) * NS, this.openedAt < 0n ? now : this.openedAt);
    const windowMax = this.oiHistory.maxSince(from);
    if (windowMax > maxOi) maxOi = windowMax;
    const current = this.positions.openInterest();
    if (current > maxOi) maxOi = current;
    const notional = price * BigInt(maxOi);
    const pf = this.positionFactor;
    // floor(notional / position factor) after a division at 16 digits: exact integer division when the factor is a
    // whole number dividing 10^16 (a power of ten up to 16 position decimals), where the quotient at 16 digits is exact
    const value =
      pf.scale === 0 && pf.coef > 0n && notional >= 0n && TEN16 % pf.coef === 0n
        ? notional / pf.coef
        : Decimal.fromBigInt(notional).div(pf).floor();
    // the risk and scaling factors change only with the market's configuration: their product is kept
    let f = this.targetStakeFactors;
    if (f === undefined || f.rf !== this.riskFactors || f.ts !== this.cfg.targetStake) {
      const rf = Decimal.max(this.riskFactors.long, this.riskFactors.short);
      const rfU = rf.mulBig(FIVE_DP).trunc();
      const sfU = this.cfg.targetStake.scalingFactor.mulBig(FIVE_DP).trunc();
      f = this.targetStakeFactors = { rf: this.riskFactors, ts: this.cfg.targetStake, product: rfU * sfU };
    }
    return (value * f.product) / (FIVE_DP * FIVE_DP);
  }

  private targetStakeFactors: { rf: object; ts: object; product: bigint } | undefined;

  /** Open interest after the indicative uncrossing (auctions). */
  protected theoreticalOpenInterest(): number {
    const ind = this.book.indicative();
    const vols = new Map<string, number>();
    for (const p of this.positions.all()) vols.set(p.party, p.openVolume);
    if (ind) {
      // simulate the uncross on a copy of the volumes: the uncross side's orders in priority trade against the other side
      const own = this.book.side(ind.side);
      const opp = this.book.side(otherSide(ind.side));
      const take: { party: string; size: number }[] = [];
      let left = ind.volume;
      for (let i = own.levels.length - 1; i >= 0 && left > 0; i--) {
        for (const o of own.levels[i]!.orders()) {
          if (left === 0) break;
          const s = Math.min(o.remaining, left);
          take.push({ party: o.party, size: s });
          left -= s;
        }
      }
      const give: { party: string; size: number }[] = [];
      left = ind.volume;
      for (let i = opp.levels.length - 1; i >= 0 && left > 0; i--) {
        for (const o of opp.levels[i]!.orders()) {
          if (left === 0) break;
          const s = Math.min(o.remaining, left);
          give.push({ party: o.party, size: s });
          left -= s;
        }
      }
      const sign = ind.side === 'buy' ? 1 : -1;
      for (const t of take) vols.set(t.party, (vols.get(t.party) ?? 0) + sign * t.size);
      for (const g of give) vols.set(g.party, (vols.get(g.party) ?? 0) - sign * g.size);
    }
    let oi = 0;
    for (const v of vols.values()) if (v > 0) oi += v;
    return oi;
  }

  /**
   * Liquidity fee factor (spec 0042-LIQF): marginal cost (the fee of the LP at which the commitments, cheapest
   * first, reach the target stake; the highest fee if they never do), the commitment-weighted average, or a constant.
   * Pending changes do not count; active AMMs count with their proposed fee and commitment. A changed factor is
   * published as a market update.
   */
  updateLiquidityFee(): void {
    // active AMMs vote with their proposed fee, weighted by their commitment (spec 0090-VAMM "Setting Fees",
    // 0090-VAMM-015); pending (not yet deployed) and reduce-only pools do not
    const lps: { party: string; fee: Decimal; commitment: bigint }[] = [...this.liquidity.activeProvisions()];
    for (const pool of this.amm.engine.all())
      if (pool.status === 'ACTIVE')
        lps.push({ party: pool.subAccount, fee: pool.proposedFee, commitment: pool.commitment });
    const method = this.cfg.fees.liquidityFeeMethod;
    let fee: Decimal;
    if (lps.length === 0) {
      // without commitments every method gives 0
      fee = Decimal.ZERO;
    } else if (method === 'CONSTANT') {
      fee = this.cfg.fees.liquidityFeeConstant ?? Decimal.ZERO;
    } else if (method === 'WEIGHTED_AVERAGE') {
      let num = Decimal.ZERO;
      let den = 0n;
      for (const lp of lps) {
        num = num.add(lp.fee.mulBig(lp.commitment));
        den += lp.commitment;
      }
      fee = den > 0n ? num.divBig(den) : Decimal.ZERO;
    } else {
      const sorted = [...lps].sort((a, b) => a.fee.cmp(b.fee) || (a.party < b.party ? -1 : a.party > b.party ? 1 : 0));
      const target = this.targetStake();
      let cum = 0n;
      fee = sorted[sorted.length - 1]!.fee;
      for (const lp of sorted) {
        cum += lp.commitment;
        if (cum >= target) {
          fee = lp.fee;
          break;
        }
      }
    }
    if (!fee.eq(this.liquidityFee)) {
      this._liquidityFee = fee;
      this.emit({ type: 'marketUpdated', marketId: this.id, liquidityFee: fee.toString() });
    }
  }
}
