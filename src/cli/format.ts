// Formatting for the command line: exact fixed-point numbers from integers (no floats on money), UTC times from
// Vega nanosecond timestamps, and plain aligned text tables.

/** An integer scaled by 10^-dp as an exact decimal string: (1543n, 2) → "15.43"; (3n, -1) → "30". */
export function formatScaled(v: bigint, dp: number): string {
  if (dp <= 0) return (v * 10n ** BigInt(-dp)).toString();
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(dp + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - dp)}.${digits.slice(digits.length - dp)}`;
}

/** Vega time (ns since the Unix epoch) as `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatTime(ns: bigint): string {
  return isoTime(ns)
    .replace('T', ' ')
    .replace(/\.\d+Z$|Z$/, '');
}

/** Vega time as an ISO 8601 UTC timestamp (whole seconds unless the time has a fraction). */
export function isoTime(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const iso = new Date(ms).toISOString();
  return ns % 1_000_000_000n === 0n ? iso.replace(/\.000Z$/, 'Z') : iso;
}

/** Time of day `HH:MM:SS` (UTC). */
export function clock(ns: bigint): string {
  return formatTime(ns).slice(11);
}

export type Align = 'left' | 'right';

export interface Column {
  readonly title: string;
  readonly align?: Align;
}

/** A plain text table: a header line, a rule, one line per row; numbers are right-aligned by the caller's choice. */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.title)), indent + widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows) out.push(line(columns.map((_c, i) => r[i] ?? '')));
  return out.join('\n');
}
