// Venue-agnostic trading strategies (pure quoting and estimators), used by the simulator's agents and by live bots.
export * from './avellaneda-stoikov.ts';
export * from './estimators.ts';
export * from './fair-price.ts';
export * from './market-maker.ts';
export * from './params.ts';
