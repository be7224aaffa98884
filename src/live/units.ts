// Exact conversion between the wire's decimal strings (prices in quote units, sizes in contracts, amounts in asset
// units) and the engine's integers (prices in market precision, sizes in position units, money in asset
// precision). Nothing is rounded: a value with more decimal places than its precision allows is refused, as Vega's
// API refuses a price that is not an integer in market precision (DESIGN: convert at the edges exactly).

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const SIGNED_DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Raised for a value that cannot be converted; `path` names the field. */
export class UnitError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** `text` (a non-negative decimal string, or signed when `signed`) × 10^decimals as an exact bigint. */
export function parseScaled(text: string, decimals: number, path: string, signed = false): bigint {
  if (!(signed ? SIGNED_DECIMAL : DECIMAL).test(text))
    throw new UnitError(path, `"${text}" is not a ${signed ? '' : 'non-negative '}decimal number`);
  const neg = text.startsWith('-');
  const body = neg ? text.slice(1) : text;
  const [int, frac = ''] = body.split('.') as [string, string?];
  const digits = frac.replace(/0+$/, '');
  if (digits.length > decimals)
    throw new UnitError(path, `"${text}" has more than ${decimals} decimal place${decimals === 1 ? '' : 's'}`);
  const v = BigInt(int + digits.padEnd(decimals, '0'));
  return neg ? -v : v;
}

/** An exact bigint × 10^-decimals as the shortest decimal string. */
export function formatScaled(v: bigint, decimals: number): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(decimals + 1, '0');
  const int = decimals === 0 ? s : s.slice(0, s.length - decimals);
  const frac = decimals === 0 ? '' : s.slice(s.length - decimals).replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** One market's precisions: market decimal places (prices), position decimal places (sizes), asset decimals. */
export class MarketUnits {
  constructor(
    readonly priceDecimals: number,
    readonly positionDecimals: number,
    readonly assetDecimals: number,
  ) {}

  /** quote units → market precision integer (a safe integer, as the engine's order prices are numbers) */
  price(text: string, path: string): number {
    return safe(parseScaled(text, this.priceDecimals, path), path);
  }

  /** signed price offset (pegged orders) → market precision */
  offset(text: string, path: string): number {
    return safe(parseScaled(text, this.priceDecimals, path, true), path);
  }

  /** contracts → position units */
  size(text: string, path: string): number {
    return safe(parseScaled(text, this.positionDecimals, path), path);
  }

  /** signed size change (amend sizeDelta) → position units */
  offsetSize(text: string, path: string): number {
    return safe(parseScaled(text, this.positionDecimals, path, true), path);
  }

  /** asset units → asset precision */
  amount(text: string, path: string): bigint {
    return parseScaled(text, this.assetDecimals, path);
  }

  /** quote units → asset precision (stop-order trigger prices) */
  assetPrice(text: string, path: string): bigint {
    return parseScaled(text, this.assetDecimals, path);
  }

  fmtPrice(p: number | bigint): string {
    return formatScaled(BigInt(p), this.priceDecimals);
  }

  fmtSize(s: number | bigint): string {
    return formatScaled(BigInt(s), this.positionDecimals);
  }

  /** asset precision → asset units (money, and prices the engine keeps in asset precision) */
  fmtAsset(v: bigint): string {
    return formatScaled(v, this.assetDecimals);
  }
}

function safe(v: bigint, path: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new UnitError(path, 'is too large');
  return Number(v);
}
