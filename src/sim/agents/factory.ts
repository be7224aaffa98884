// One agent of a scenario's spec, for the simulator's runner and the live venue's background market alike.
import type { AgentSpec } from '../scenario.ts';
import type { Agent } from './agent.ts';
import { AmmProviderAgent } from './amm-provider.ts';
import { Arbitrageur } from './arbitrageur.ts';
import { InformedTrader } from './informed.ts';
import { LiquidityProviderAgent } from './liquidity-provider.ts';
import { MarketMakerAgent } from './market-maker.ts';
import { MomentumTrader } from './momentum.ts';
import { NoiseTrader } from './noise.ts';

/**
 * `startPrice` seeds the market maker's fair price, `tick` is the market's tick in quote units and `slaPriceRange`
 * the market's SLA price range (the liquidity provider keeps its orders inside it).
 */
export function makeAgent(
  spec: AgentSpec,
  party: string,
  startPrice: number,
  tick: number,
  slaPriceRange: number,
): Agent {
  switch (spec.type) {
    case 'avellaneda-stoikov':
      return new MarketMakerAgent(party, spec, startPrice, tick);
    case 'liquidity-provider':
      return new LiquidityProviderAgent(party, spec, slaPriceRange);
    case 'noise':
      return new NoiseTrader(party, spec);
    case 'momentum':
      return new MomentumTrader(party, spec);
    case 'informed':
      return new InformedTrader(party, spec);
    case 'arbitrageur':
      return new Arbitrageur(party, spec);
    case 'amm-provider':
      return new AmmProviderAgent(party, spec);
  }
}
