/**
 * Latency monitoring, two kinds (Redis's latency.c and its per-command histograms):
 *
 * - LatencyMonitor: per event ("command", "fast-command", "expire-cycle", ...) a ring of the
 *   last 160 one-second samples in milliseconds, kept only for samples at or above
 *   `latency-monitor-threshold`; serves LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR.
 * - CommandHistograms: per command, a log-linear histogram of execution times (128 sub-buckets
 *   per power of two, so values are exact to under 1%, like Redis's HdrHistogram with two
 *   significant digits); serves LATENCY HISTOGRAM and INFO latencystats. Recording is a few
 *   integer operations; each command's buckets are allocated on its first call.
 */

export const LATENCY_TS_LEN = 160;

interface Sample {
  time: number;
  latency: number;
}

export class LatencySeries {
  idx = 0;
  max = 0;
  readonly samples: Sample[] = Array.from({ length: LATENCY_TS_LEN }, () => ({ time: 0, latency: 0 }));

  /** Add a sample: within the same second the highest one is kept. */
  add(nowSec: number, ms: number): void {
    const prev = this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]!;
    if (prev.time === nowSec) {
      if (ms > prev.latency) prev.latency = ms;
      if (ms > this.max) this.max = ms;
      return;
    }
    const s = this.samples[this.idx]!;
    s.time = nowSec;
    s.latency = ms;
    if (ms > this.max) this.max = ms;
    this.idx = (this.idx + 1) % LATENCY_TS_LEN;
  }

  /** Samples oldest first. */
  history(): Sample[] {
    const out: Sample[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const s = this.samples[(this.idx + j) % LATENCY_TS_LEN]!;
      if (s.time !== 0) out.push(s);
    }
    return out;
  }

  latest(): Sample {
    return this.samples[(this.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]!;
  }
}

export class LatencyMonitor {
  readonly events = new Map<string, LatencySeries>();
  /** Milliseconds; 0 disables the monitor (mirrors latency-monitor-threshold). */
  threshold = 0;
  /** Seconds clock (tests inject one). */
  now: () => number = () => Math.floor(Date.now() / 1000);

  /** Redis's latencyAddSampleIfNeeded: record `ms` for `event` when at or above the threshold. */
  addSampleIfNeeded(event: string, ms: number): void {
    if (this.threshold > 0 && ms >= this.threshold) this.addSample(event, ms);
  }

  addSample(event: string, ms: number): void {
    let s = this.events.get(event);
    if (s === undefined) {
      s = new LatencySeries();
      this.events.set(event, s);
    }
    s.add(this.now(), Math.floor(ms));
  }

  /** Reset the named events (all when none given); returns how many were reset. */
  reset(names: readonly string[]): number {
    if (names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const e of names) if (this.events.delete(e)) n++;
    return n;
  }

  /** ASCII graph of an event's history (LATENCY GRAPH), in the spirit of Redis's sparklines. */
  graph(event: string): string | null {
    const s = this.events.get(event);
    if (s === undefined) return null;
    const hist = s.history();
    let hi = 0;
    let lo = Number.MAX_SAFE_INTEGER;
    for (const x of hist) {
      if (x.latency > hi) hi = x.latency;
      if (x.latency < lo) lo = x.latency;
    }
    let out = `${event} - high ${hi} ms, low ${lo} ms (all time high ${s.max} ms)\n`;
    out += "-".repeat(80) + "\n";
    const rows = 4;
    const now = this.now();
    const cols = hist.map((x) => (hi === lo ? rows : Math.max(1, Math.round(((x.latency - lo) / (hi - lo)) * rows))));
    for (let r = rows; r >= 1; r--) {
      let line = "";
      for (const c of cols) line += c > r ? "|" : c === r ? "_" : " ";
      out += line + "\n";
    }
    // Age labels written vertically, like Redis: "42s" becomes three rows.
    const labels = hist.map((x) => {
      const age = now - x.time;
      return age < 60 ? `${age}s` : age < 3600 ? `${Math.floor(age / 60)}m` : `${Math.floor(age / 3600)}h`;
    });
    const height = labels.reduce((m, l) => Math.max(m, l.length), 0);
    for (let r = 0; r < height; r++) out += labels.map((l) => l[r] ?? " ").join("") + "\n";
    return out;
  }
}

// -------------------------------------------------------------------------------------------------
// Per-command histograms

const SUB = 128;
const HALF = 64;
const BUCKETS = SUB + 40 * HALF;

function bucketOf(ns: number): number {
  if (ns < SUB) return ns < 0 ? 0 : ns;
  const e = ns < 2 ** 31 ? 31 - Math.clz32(ns) : Math.floor(Math.log2(ns));
  const shift = e - 6;
  const sub = Math.floor(ns / 2 ** shift);
  const i = SUB + (shift - 1) * HALF + (sub - HALF);
  return i < BUCKETS ? i : BUCKETS - 1;
}

/** Highest value (ns) a bucket stands for (HdrHistogram's highest equivalent value). */
function bucketHigh(i: number): number {
  if (i < SUB) return i;
  const shift = Math.floor((i - SUB) / HALF) + 1;
  const sub = ((i - SUB) % HALF) + HALF;
  return (sub + 1) * 2 ** shift - 1;
}

export class CommandHistograms {
  private readonly hist: (Uint32Array | null)[];
  private readonly totals: Float64Array;

  constructor(readonly size: number) {
    this.hist = new Array<Uint32Array | null>(size).fill(null);
    this.totals = new Float64Array(size);
  }

  record(id: number, usec: number): void {
    let h = this.hist[id];
    if (h === undefined) return;
    if (h === null) h = this.hist[id] = new Uint32Array(BUCKETS);
    h[bucketOf(Math.round(usec * 1000))]!++;
    this.totals[id]!++;
  }

  count(id: number): number {
    return this.totals[id] ?? 0;
  }

  reset(): void {
    this.hist.fill(null);
    this.totals.fill(0);
  }

  /** Value at a percentile, in microseconds (Redis prints it with %.3f). */
  percentile(id: number, p: number): number {
    const h = this.hist[id];
    const total = this.totals[id] ?? 0;
    if (!h || total === 0) return 0;
    const target = Math.max(1, Math.floor((p / 100) * total + 0.5));
    let acc = 0;
    for (let i = 0; i < BUCKETS; i++) {
      acc += h[i]!;
      if (acc >= target) return bucketHigh(i) / 1000;
    }
    return bucketHigh(BUCKETS - 1) / 1000;
  }

  /**
   * Cumulative counts at power-of-two boundaries starting at 1024 ns, keyed by the boundary in
   * whole microseconds (1, 2, 4, 8, 16, 32, 65, ...), listing only steps that added samples,
   * as LATENCY HISTOGRAM shows them.
   */
  cumulative(id: number): [number, number][] {
    const h = this.hist[id];
    const total = this.totals[id] ?? 0;
    if (!h || total === 0) return [];
    const out: [number, number][] = [];
    let acc = 0;
    let i = 0;
    for (let bound = 1024; acc < total; bound *= 2) {
      let added = 0;
      while (i < BUCKETS && bucketHigh(i) < bound) added += h[i++]!;
      if (i >= BUCKETS) added += 0;
      if (added > 0) {
        acc += added;
        out.push([Math.floor(bound / 1000), acc]);
      }
      if (bound > 2 ** 52) break;
    }
    return out;
  }
}
