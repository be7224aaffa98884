// A latency histogram that threads can merge (the venue benchmark's load threads each keep one): 10 µs buckets up
// to 100 ms, 1 ms buckets up to 10 s, one bucket beyond. A percentile is the upper edge of the bucket it falls in
// (at most 10 µs high below 100 ms).
const FINE = 10_000; // 10 µs × 10,000 = 100 ms
const COARSE = 9_900; // 1 ms buckets from 100 ms to 10 s

export class Histogram {
  readonly counts = new Uint32Array(FINE + COARSE + 1);

  record(ms: number): void {
    const i = ms < 100 ? Math.max(0, Math.floor(ms * 100)) : Math.min(FINE + COARSE, FINE + Math.floor(ms - 100));
    this.counts[i]!++;
  }

  add(counts: Uint32Array): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += counts[i]!;
  }

  clear(): void {
    this.counts.fill(0);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  /** the upper edge (ms) of the bucket holding the p-th percentile; NaN when empty; Infinity beyond 10 s */
  percentile(p: number): number {
    const n = this.total;
    if (n === 0) return Number.NaN;
    const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i < FINE ? (i + 1) / 100 : i < FINE + COARSE ? 100 + (i - FINE + 1) : Infinity;
    }
    return Infinity;
  }
}
