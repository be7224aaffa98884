// Open interest over time for the target stake (spec 0041-TSTK): (time, open interest) samples in time order, the
// largest open interest of a time, and the maximum since a time. The target stake asks for the maximum over a window
// whose start moves forward with the clock, every tick: a monotonic queue (indices of samples with decreasing open
// interest) answers that in amortised constant time; a start that moves backward (a longer window after a market
// update) is answered by a scan, exactly as before.

export class OpenInterestHistory {
  private readonly times: bigint[] = [];
  private readonly ois: number[] = [];
  /** indices into the samples with strictly decreasing open interest, from `head` */
  private queue: number[] = [];
  private head = 0;
  private lastFrom: bigint | undefined;

  /** A sample at `time` (not before the last one); a second sample of the same time keeps the larger value. */
  record(time: bigint, oi: number): void {
    const n = this.times.length;
    if (n > 0 && this.times[n - 1] === time) {
      if (oi > this.ois[n - 1]!) {
        this.ois[n - 1] = oi;
        this.enqueue(n - 1);
      }
      return;
    }
    this.times.push(time);
    this.ois.push(oi);
    this.enqueue(n);
  }

  private enqueue(i: number): void {
    const v = this.ois[i]!;
    // samples no larger than this later one can never be a window's maximum again (the last index itself included,
    // when its value was raised)
    while (this.queue.length > this.head && this.ois[this.queue[this.queue.length - 1]!]! <= v) this.queue.pop();
    this.queue.push(i);
  }

  /** The largest open interest of the samples at or after `from` (0 when there is none). */
  maxSince(from: bigint): number {
    if (this.lastFrom !== undefined && from < this.lastFrom) return this.scan(from);
    this.lastFrom = from;
    const q = this.queue;
    while (this.head < q.length && this.times[q[this.head]!]! < from) this.head++;
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    return this.head < this.queue.length ? this.ois[this.queue[this.head]!]! : 0;
  }

  private scan(from: bigint): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    let max = 0;
    for (let i = lo; i < this.ois.length; i++) if (this.ois[i]! > max) max = this.ois[i]!;
    return max;
  }

  get length(): number {
    return this.times.length;
  }
}
