// The bot's parameters, with the seed's names (order_size, gamma, eta, min_spread, order_refresh_rate_s,
// filled_order_delay_s, max_order_age_s, update_balance_interval_s) and the simulator maker's other parameters in
// the same style, plus the risk limits. Validated with a schema: an error names the parameter and the reason. The
// seed's default η of −0.005 is refused with the reason, as the simulator refuses it. Defaults are the seed's where
// it has one, the simulator's otherwise.
import { z } from 'zod';
import { NEGATIVE_ETA_REASON, type MakerParams } from '../../strategies/index.ts';

const nonNegative = () => z.number().min(0).finite();
const positive = () => z.number().positive().finite();

export const botConfigSchema = z.strictObject({
  // the seed's parameters
  order_size: positive().default(1),
  gamma: positive().default(1),
  eta: z
    .number()
    .finite()
    .refine((v) => v >= 0, { message: `must be >= 0: ${NEGATIVE_ETA_REASON}` })
    .default(0.005),
  min_spread: nonNegative().default(0),
  order_refresh_rate_s: nonNegative().default(60),
  filled_order_delay_s: nonNegative().default(60),
  max_order_age_s: nonNegative().default(1800),
  update_balance_interval_s: positive().default(2),
  // the simulator maker's
  model: z.enum(['glft', 'finite']).default('glft'),
  horizon_s: positive().default(28_800),
  fair_price: z.enum(['mid', 'microprice', 'vamp']).default('mid'),
  vamp_levels: z.number().int().positive().default(5),
  sigma_prior_annual: positive().default(0.8),
  sigma_half_life_s: nonNegative().default(3600),
  a_prior: positive().default(0.2),
  kappa_prior: positive().default(50),
  intensity_half_life_s: nonNegative().default(3600),
  refresh_tolerance_ticks: z.number().int().min(0).default(1),
  funding_carry: z.boolean().default(true),
  // risk
  /** largest |position|, size units; beyond it only the reducing side is quoted */
  max_position: positive().default(Number.MAX_SAFE_INTEGER),
  /** largest |position| × price, quote units; beyond it only the reducing side is quoted */
  max_notional: positive().default(Number.MAX_SAFE_INTEGER),
  /** the kill switch trips when the P&L falls below −max_loss (quote units); trading stops for good */
  max_loss: positive().default(Number.MAX_SAFE_INTEGER),
  /** the kill switch trips when the book has not been updated for this long; quoting resumes with a fresh book */
  stale_book_s: positive().default(30),
  // running
  /** seconds between the bot's looks at the market (it also acts on every book update, at most this often) */
  loop_s: positive().default(0.5),
  /** P&L split written every this many seconds */
  pnl_every_s: positive().default(5),
});

export type BotConfig = z.infer<typeof botConfigSchema>;

export class BotConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid bot configuration:\n  ${issues.join('\n  ')}`);
  }
}

/** Validates a parsed configuration object; errors name the parameter and the reason. */
export function parseBotConfig(input: unknown): BotConfig {
  const r = botConfigSchema.safeParse(input ?? {});
  if (!r.success)
    throw new BotConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`));
  return r.data;
}

/** The strategy's parameters from the bot's (the same MakerParams the simulator's scenario gives). */
export function makerParams(c: BotConfig): MakerParams {
  return {
    model: c.model,
    horizonSeconds: c.horizon_s,
    gamma: c.gamma,
    eta: c.eta,
    orderSize: c.order_size,
    minSpread: c.min_spread,
    fairPrice: c.fair_price,
    vampLevels: c.vamp_levels,
    sigmaPriorAnnual: c.sigma_prior_annual,
    sigmaHalfLifeSeconds: c.sigma_half_life_s,
    aPrior: c.a_prior,
    kappaPrior: c.kappa_prior,
    intensityHalfLifeSeconds: c.intensity_half_life_s,
    orderRefreshSeconds: c.order_refresh_rate_s,
    filledOrderDelaySeconds: c.filled_order_delay_s,
    maxOrderAgeSeconds: c.max_order_age_s,
    refreshToleranceTicks: c.refresh_tolerance_ticks,
    fundingCarry: c.funding_carry,
  };
}
