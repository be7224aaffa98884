// Governance-proposal parsing: a Vega new-market proposal (JSON) → the engine's MarketConfig, validated with Vega's
// own proposal rules; errors name the field path and the reason.
export {
  DEFAULT_OPENING_AUCTION_SECONDS,
  VEGA_NETWORK_DEFAULTS,
  loadProposalFile,
  parseJsonText,
  parseProposal,
  parseProposalText,
  readProposalText,
  goDuration,
  type DefaultedField,
  type NotModelledField,
  type NetworkDefaults,
  type ParseOptions,
  type ParsedProposal,
} from './parse.ts';
export {
  DEFAULT_ASSETS,
  USDT_ASSET_ID,
  assetRegistry,
  parseAssetSpec,
  type AssetInfo,
  type AssetRegistry,
} from './assets.ts';
export { ProposalValidationError, formatPath, type PathSegment, type ProposalIssue } from './errors.ts';
export { parseProposalLenient, type LenientParse, type ProposalRepair } from './lenient.ts';
export {
  isSpotProposal,
  loadSpotProposalFile,
  newSpotMarketChanges,
  parseSpotProposal,
  type NewSpotMarketChanges,
  type ParsedSpotProposal,
} from './spot.ts';
