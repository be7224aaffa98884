// `perpsim analyze PROPOSAL --amm base=…,lower=…,upper=…,commitment=…`: what an AMM over a range would hold, earn
// and risk on the proposed market (src/analysis/amm.ts), as text or as the `amm` member of the JSON output.
import { analyseAmm, AmmAnalysisError, type AmmAnalysis } from '../analysis/amm.ts';
import { Decimal } from '../core/index.ts';
import { loadProposalFile, type AssetRegistry } from '../proposal/index.ts';
import { table } from './format.ts';

const KEYS = [
  'base',
  'lower',
  'upper',
  'commitment',
  'leverage',
  'lower-leverage',
  'upper-leverage',
  'maker-fee',
  'points',
];

/** Parses the --amm value; an error names the key and the reason. */
export function parseAmmSpec(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const [k, v, ...rest] = part.split('=').map((s) => s.trim());
    if (!k || v === undefined || v === '' || rest.length)
      throw new AmmAnalysisError(`--amm: "${part}" is not key=value (keys: ${KEYS.join(', ')})`);
    if (!KEYS.includes(k)) throw new AmmAnalysisError(`--amm: unknown key "${k}" (keys: ${KEYS.join(', ')})`);
    if (k in out) throw new AmmAnalysisError(`--amm: "${k}" given twice`);
    if (k === 'points' ? !/^\d+$/.test(v) : !/^\d+(\.\d+)?$/.test(v))
      throw new AmmAnalysisError(`--amm: ${k}: "${v}" is not a non-negative number`);
    out[k] = v;
  }
  for (const k of ['base', 'commitment'])
    if (!(k in out))
      throw new AmmAnalysisError(`--amm: "${k}" is required (e.g. base=100,lower=90,upper=110,commitment=10000)`);
  return out;
}

/** The AMM analysis of the --amm spec on the proposal's market. */
export function runAmmAnalysis(proposalFile: string, spec: string, assets?: AssetRegistry): AmmAnalysis {
  const s = parseAmmSpec(spec);
  const p = loadProposalFile(proposalFile, assets ? { assets } : {});
  const dec = (k: string) => (s[k] === undefined ? undefined : Decimal.parse(s[k]!, k));
  const both = dec('leverage');
  const lowerLev = dec('lower-leverage') ?? both;
  const upperLev = dec('upper-leverage') ?? both;
  const lower = dec('lower');
  const upper = dec('upper');
  const fee = dec('maker-fee');
  return analyseAmm({
    config: p.config,
    assetDecimals: p.asset.decimals,
    commitment: dec('commitment')!,
    base: dec('base')!,
    ...(lower ? { lower } : {}),
    ...(upper ? { upper } : {}),
    ...(lowerLev ? { leverageAtLower: lowerLev } : {}),
    ...(upperLev ? { leverageAtUpper: upperLev } : {}),
    ...(fee ? { makerFee: fee } : {}),
    ...(s['points'] ? { points: Number(s['points']) } : {}),
  });
}

export function renderAmm(a: AmmAnalysis, asset: string): string {
  const out = [
    `AMM with commitment ${a.commitment} ${asset}, base price ${a.base} (spec 0090-VAMM; amounts in ${asset})`,
    table(
      [
        { title: 'range' },
        { title: 'leverage factor', align: 'right' },
        { title: 'position at bound', align: 'right' },
        { title: 'average price', align: 'right' },
        { title: 'notional at bound', align: 'right' },
        { title: 'P&L at bound', align: 'right' },
        { title: 'fees per sweep', align: 'right' },
        { title: 'commitment lost at', align: 'right' },
      ],
      a.sides.map((s) => [
        `${s.side}: ${s.from} → ${s.to}`,
        s.leverageFactor,
        s.positionAtBound,
        s.averagePrice,
        s.notionalAtBound,
        s.pnlAtBound,
        s.feesPerRoundTrip,
        s.exhaustedAt ?? '-',
      ]),
    ),
    '',
    table(
      [
        { title: 'price', align: 'right' },
        { title: 'position', align: 'right' },
        { title: 'notional', align: 'right' },
        { title: 'P&L', align: 'right' },
        { title: 'equity', align: 'right' },
        { title: 'leverage', align: 'right' },
      ],
      a.points.map((p) => [p.price, p.position, p.notional, p.pnl, p.equity, p.leverage]),
    ),
    '',
    '  P&L: what moving the fair price from base to the price costs the pool (its divergence loss), before fees;',
    '  fees per sweep: maker fees of trading the whole range out and back at its average price.',
  ];
  return out.join('\n');
}
