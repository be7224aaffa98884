// Steps of the incentive programmes (specs 0083-RFPR referral and teams, 0084-VDPR volume discount, 0095-HVMR
// volume rebate, 0086-ASPR activity streaks) and of the staking balances and validators the referral staking tiers
// read. Named tiers live for the scenario; the programmes themselves are the engine's (Exchange.programmes).
import type { Registry } from '../registry.ts';
import { StepError, type Table } from '../table.ts';
import type { World } from '../world.ts';
import {
  Decimal,
  type ProgrammeFactors,
  type ReferralBenefitTier,
  type ReferralStakingTier,
} from '../../src/core/index.ts';
import { checkError, duration, timestamp } from './parse.ts';

interface Named {
  readonly referralBenefit: Map<string, ReferralBenefitTier[]>;
  readonly referralStaking: Map<string, ReferralStakingTier[]>;
  readonly volumeDiscount: Map<string, { minRunningVolume: Decimal; discount: ProgrammeFactors }[]>;
  readonly volumeRebate: Map<string, { minFraction: Decimal; rebate: Decimal }[]>;
}

const named = new WeakMap<World, Named>();

function tiers(w: World): Named {
  let n = named.get(w);
  if (!n) {
    n = { referralBenefit: new Map(), referralStaking: new Map(), volumeDiscount: new Map(), volumeRebate: new Map() };
    named.set(w, n);
  }
  return n;
}

function need(t: Table | undefined): Table {
  if (!t) throw new StepError('this step needs a table');
  return t;
}

function decimal(v: string, what: string): Decimal {
  try {
    const d = Decimal.parse(v, what);
    if (d.isNegative()) throw new RangeError(`${what}: must not be negative`);
    return d;
  } catch (e) {
    throw new StepError((e as Error).message);
  }
}

function count(v: string, what: string): number {
  if (!/^\d+$/.test(v)) throw new StepError(`${what}: "${v}" is not a non-negative integer`);
  return Number(v);
}

function engine<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StepError) throw e;
    throw new StepError((e as Error).message);
  }
}

/** "0" (or empty) is no end; otherwise a UTC time or ns since the Unix epoch. */
function endOfProgram(v: string | undefined): bigint {
  if (v === undefined || v === '' || v === '0') return 0n;
  if (/^\d+$/.test(v)) return BigInt(v) * 1_000_000_000n;
  return timestamp(v);
}

function factorsEq(label: string, want: string | undefined, got: Decimal, errors: string[]): void {
  if (want === undefined) return;
  if (!decimal(want, label).eq(got)) errors.push(`${label}: expected ${want}, got ${got.toString()}`);
}

export function registerProgrammeSteps(r: Registry): void {
  // ------------------------------------------------------------------ referral programme

  r.define(/^the referral benefit tiers "([^"]+)":$/, (w, [name], t) => {
    const cols = [
      'minimum running notional taker volume',
      'minimum epochs',
      'referral reward infra factor',
      'referral reward maker factor',
      'referral reward liquidity factor',
      'referral discount infra factor',
      'referral discount maker factor',
      'referral discount liquidity factor',
    ];
    const out: ReferralBenefitTier[] = need(t)
      .expect(cols)
      .rows.map((row) => ({
        minRunningVolume: decimal(row.str(cols[0]!), cols[0]!),
        minEpochs: count(row.str(cols[1]!), cols[1]!),
        reward: {
          infrastructure: decimal(row.str(cols[2]!), cols[2]!),
          maker: decimal(row.str(cols[3]!), cols[3]!),
          liquidity: decimal(row.str(cols[4]!), cols[4]!),
        },
        discount: {
          infrastructure: decimal(row.str(cols[5]!), cols[5]!),
          maker: decimal(row.str(cols[6]!), cols[6]!),
          liquidity: decimal(row.str(cols[7]!), cols[7]!),
        },
      }));
    tiers(w).referralBenefit.set(name!, out);
  });

  r.define(/^the referral staking tiers "([^"]+)":$/, (w, [name], t) => {
    const out = need(t)
      .expect(['minimum staked tokens', 'referral reward multiplier'])
      .rows.map((row) => ({
        minStaked: row.int('minimum staked tokens'),
        multiplier: decimal(row.str('referral reward multiplier'), 'referral reward multiplier'),
      }));
    tiers(w).referralStaking.set(name!, out);
  });

  r.define(/^the referral program:$/, (w, _a, t) => {
    for (const row of need(t).expect(['end of program', 'window length', 'benefit tiers', 'staking tiers']).rows) {
      const bt = tiers(w).referralBenefit.get(row.str('benefit tiers'));
      if (!bt) throw new StepError(`benefit tiers: no referral benefit tiers named "${row.str('benefit tiers')}"`);
      const st = tiers(w).referralStaking.get(row.str('staking tiers'));
      if (!st) throw new StepError(`staking tiers: no referral staking tiers named "${row.str('staking tiers')}"`);
      engine(() =>
        w.ex.programmes.referral.setProgram({
          endOfProgram: endOfProgram(row.str('end of program')),
          windowLength: count(row.str('window length'), 'window length'),
          benefitTiers: bt,
          stakingTiers: st,
        }),
      );
    }
  });

  r.define(/^the parties create the following referral codes:$/, (w, _a, t) => {
    const table = need(t).expect(['party', 'code'], ['is_team', 'team', 'closed', 'allow list', 'error']);
    for (const row of table.rows) {
      const party = row.str('party');
      const isTeam = row.has('is_team') && row.opt('is_team') !== undefined ? row.bool('is_team') : false;
      const team = row.opt('team');
      const allow = row.opt('allow list');
      let err: string | undefined;
      try {
        w.ex.programmes.referral.createSet(
          party,
          row.str('code'),
          w.ex.epochSeq,
          w.ex.programmes.stakedOf(party),
          isTeam && team
            ? {
                name: team,
                ...(row.opt('closed') !== undefined ? { closed: row.bool('closed') } : {}),
                ...(allow ? { allowList: allow.split(',').map((s) => s.trim()) } : {}),
              }
            : undefined,
        );
      } catch (e) {
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `referral code ${row.str('code')} of ${party}`);
    }
  });

  r.define(/^the parties apply the following referral codes:$/, (w, _a, t) => {
    const table = need(t).expect(['party', 'code'], ['is_team', 'team', 'reference', 'error']);
    for (const row of table.rows) {
      const party = row.str('party');
      row.opt('reference');
      const isTeam = row.has('is_team') && row.opt('is_team') !== undefined ? row.bool('is_team') : false;
      const team = row.opt('team');
      let err: string | undefined;
      try {
        w.ex.programmes.referral.applyCode(party, row.str('code'), w.ex.epochSeq, isTeam ? team : undefined);
      } catch (e) {
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `applying referral code ${row.str('code')} for ${party}`);
    }
  });

  r.define(/^the team "([^"]+)" has the following members:$/, (w, [team], t) => {
    const want = need(t)
      .expect(['party'])
      .rows.map((row) => row.str('party'))
      .sort();
    const got = w.ex.programmes.referral.teamMembers(team!);
    if (!got) throw new StepError(`team "${team}" does not exist`);
    if (want.join(',') !== got.join(','))
      throw new StepError(`team "${team}": expected members ${want.join(', ')}, got ${got.join(', ')}`);
  });

  r.define(
    /the referral set stats for code "([^"]+)" at epoch "([^"]+)" should have a running volume of (\d+):/,
    (w, [code, epoch, volume], t) => {
      const cols = [
        'reward infra factor',
        'reward maker factor',
        'reward liquidity factor',
        'discount infra factor',
        'discount maker factor',
        'discount liquidity factor',
      ];
      const table = need(t).expect(['party'], cols);
      const stats = w.ex.programmes.referral.setStats(code!, count(epoch!, 'epoch'));
      if (!stats) throw new StepError(`no referral set stats for code "${code}" at epoch ${epoch}`);
      if (!stats.runningVolume.eq(decimal(volume!, 'running volume')))
        throw new StepError(
          `referral set ${code} at epoch ${epoch}: running volume ${stats.runningVolume}, expected ${volume}`,
        );
      for (const row of table.rows) {
        const party = row.str('party');
        const s = stats.referees.find((x) => x.party === party);
        if (!s) throw new StepError(`referral set ${code} at epoch ${epoch}: no referee "${party}"`);
        const errors: string[] = [];
        factorsEq('reward infra factor', row.opt(cols[0]!), s.reward.infrastructure, errors);
        factorsEq('reward maker factor', row.opt(cols[1]!), s.reward.maker, errors);
        factorsEq('reward liquidity factor', row.opt(cols[2]!), s.reward.liquidity, errors);
        factorsEq('discount infra factor', row.opt(cols[3]!), s.discount.infrastructure, errors);
        factorsEq('discount maker factor', row.opt(cols[4]!), s.discount.maker, errors);
        factorsEq('discount liquidity factor', row.opt(cols[5]!), s.discount.liquidity, errors);
        if (errors.length) throw new StepError(`referee ${party} at epoch ${epoch}: ${errors.join('; ')}`);
      }
    },
  );

  // ------------------------------------------------------------------ volume discount and rebate programmes

  r.define(/^the volume discount program tiers named "([^"]+)":$/, (w, [name], t) => {
    const out = need(t)
      .expect(['volume', 'infra factor', 'liquidity factor', 'maker factor'])
      .rows.map((row) => ({
        minRunningVolume: decimal(row.str('volume'), 'volume'),
        discount: {
          infrastructure: decimal(row.str('infra factor'), 'infra factor'),
          maker: decimal(row.str('maker factor'), 'maker factor'),
          liquidity: decimal(row.str('liquidity factor'), 'liquidity factor'),
        },
      }));
    tiers(w).volumeDiscount.set(name!, out);
  });

  r.define(/^the volume discount program:$/, (w, _a, t) => {
    for (const row of need(t).expect(['id', 'tiers', 'closing timestamp', 'window length']).rows) {
      row.str('id');
      const ts = tiers(w).volumeDiscount.get(row.str('tiers'));
      if (!ts) throw new StepError(`tiers: no volume discount program tiers named "${row.str('tiers')}"`);
      engine(() =>
        w.ex.programmes.volumeDiscount.setProgram({
          endOfProgram: endOfProgram(row.str('closing timestamp')),
          windowLength: count(row.str('window length'), 'window length'),
          tiers: ts,
        }),
      );
    }
  });

  r.define(/^the volume rebate program tiers named "([^"]+)":$/, (w, [name], t) => {
    const out = need(t)
      .expect(['fraction', 'rebate'])
      .rows.map((row) => ({
        minFraction: decimal(row.str('fraction'), 'fraction'),
        rebate: decimal(row.str('rebate'), 'rebate'),
      }));
    tiers(w).volumeRebate.set(name!, out);
  });

  r.define(/^the volume rebate program:$/, (w, _a, t) => {
    for (const row of need(t).expect(['id', 'tiers', 'closing timestamp', 'window length'], ['closing delta']).rows) {
      row.str('id');
      const ts = tiers(w).volumeRebate.get(row.str('tiers'));
      if (!ts) throw new StepError(`tiers: no volume rebate program tiers named "${row.str('tiers')}"`);
      const delta = row.opt('closing delta');
      // the closing delta: a duration ("80s") or bare seconds from now
      const closing = row.str('closing timestamp');
      const end = delta !== undefined ? w.ex.now() + duration(delta) : endOfProgram(closing);
      engine(() =>
        w.ex.programmes.volumeRebate.setProgram({
          endOfProgram: end,
          windowLength: count(row.str('window length'), 'window length'),
          tiers: ts,
        }),
      );
    }
  });

  r.define(/^the party "([^"]+)" has the following taker notional "([^"]+)"$/, (w, [party, v]) => {
    const got = w.ex.programmes.volumeDiscount.runningVolumeOf(party!);
    if (!got.eq(decimal(v!, 'taker notional')))
      throw new StepError(`party ${party}: taker notional ${got.toString()}, expected ${v}`);
  });

  for (const [label, key] of [
    ['infra', 'infrastructure'],
    ['maker', 'maker'],
    ['liquidity', 'liquidity'],
  ] as const) {
    r.define(
      new RegExp(`^the party "([^"]+)" has the following discount ${label} factor "([^"]+)"$`),
      (w, [party, v]) => {
        const got = w.ex.programmes.volumeDiscount.discountOf(party!)[key];
        if (!got.eq(decimal(v!, `discount ${label} factor`)))
          throw new StepError(`party ${party}: volume discount ${label} factor ${got.toString()}, expected ${v}`);
      },
    );
  }

  r.define(/^the parties have the following discount factors:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party'], ['maker factor', 'liquidity factor', 'infra factor']).rows) {
      const party = row.str('party');
      const got = w.ex.programmes.volumeDiscount.discountOf(party);
      const errors: string[] = [];
      factorsEq('maker factor', row.opt('maker factor'), got.maker, errors);
      factorsEq('liquidity factor', row.opt('liquidity factor'), got.liquidity, errors);
      factorsEq('infra factor', row.opt('infra factor'), got.infrastructure, errors);
      if (errors.length) throw new StepError(`volume discount factors of ${party}: ${errors.join('; ')}`);
    }
  });

  // ------------------------------------------------------------------ activity streaks

  r.define(/the activity streaks at epoch "([^"]+)" should be:/, (w, [epoch], t) => {
    const table = need(t).expect(['party', 'active for', 'inactive for', 'reward multiplier', 'vesting multiplier']);
    for (const row of table.rows) {
      const party = row.str('party');
      const s = w.ex.programmes.streaks.streakAt(count(epoch!, 'epoch'), party);
      if (!s) throw new StepError(`no activity streak for ${party} at epoch ${epoch}`);
      const errors: string[] = [];
      if (s.activeFor !== row.num('active for'))
        errors.push(`active for ${s.activeFor}, expected ${row.str('active for')}`);
      if (s.inactiveFor !== row.num('inactive for'))
        errors.push(`inactive for ${s.inactiveFor}, expected ${row.str('inactive for')}`);
      factorsEq('reward multiplier', row.str('reward multiplier'), s.rewardMultiplier, errors);
      factorsEq('vesting multiplier', row.str('vesting multiplier'), s.vestingMultiplier, errors);
      if (errors.length) throw new StepError(`activity streak of ${party} at epoch ${epoch}: ${errors.join('; ')}`);
    }
  });

  // ------------------------------------------------------------------ staking, validators, delegations

  r.define(/^the parties deposit on staking account the following amount:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'amount']).rows) {
      row.str('asset');
      engine(() => w.ex.programmes.stake(row.str('party'), row.int('amount')));
    }
  });

  r.define(/^the parties withdraw from staking account the following amount:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'amount']).rows) {
      row.str('asset');
      engine(() => w.ex.programmes.unstake(row.str('party'), row.int('amount')));
    }
  });

  r.define(/^the parties should have the following staking account balances:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'amount']).rows) {
      row.str('asset');
      const got = w.ex.programmes.stakedOf(row.str('party'));
      if (got !== row.int('amount'))
        throw new StepError(`staking account of ${row.str('party')}: ${got}, expected ${row.str('amount')}`);
    }
  });

  r.define(/the validators:$/, (w, _a, t) => {
    for (const row of need(t).expect(['id', 'staking account balance'], ['pub_key']).rows) {
      const id = row.str('id');
      const key = row.opt('pub_key');
      engine(() => w.ex.programmes.addValidator(id, key ?? id, row.int('staking account balance')));
    }
  });

  r.define(/^the parties submit the following delegations:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'node id', 'amount'], ['reference', 'error']).rows) {
      row.opt('reference');
      let err: string | undefined;
      try {
        w.ex.programmes.delegation.delegate(row.str('party'), row.str('node id'), row.int('amount'));
      } catch (e) {
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `delegation of ${row.str('party')} to ${row.str('node id')}`);
    }
  });

  r.define(/^the parties submit the following undelegations:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'node id', 'amount', 'when'], ['reference', 'error']).rows) {
      row.opt('reference');
      const when = row.str('when');
      if (when !== 'now' && when !== 'end of epoch')
        throw new StepError(`when: "${when}" must be "now" or "end of epoch"`);
      let err: string | undefined;
      try {
        w.ex.programmes.delegation.undelegate(
          row.str('party'),
          row.str('node id'),
          row.int('amount'),
          when === 'now' ? 'now' : 'endOfEpoch',
        );
      } catch (e) {
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `undelegation of ${row.str('party')} from ${row.str('node id')}`);
    }
  });

  r.define(/^the parties should have the following delegation balances for epoch (\d+):$/, (w, [epoch], t) => {
    const e = count(epoch!, 'epoch');
    for (const row of need(t).expect(['party', 'node id', 'amount']).rows) {
      const got = w.ex.programmes.delegation.delegationAt(row.str('party'), row.str('node id'), e);
      if (got !== row.int('amount'))
        throw new StepError(
          `delegation of ${row.str('party')} to ${row.str('node id')} for epoch ${e}: ${got}, expected ${row.str('amount')}`,
        );
    }
  });
}
