/**
 * --latency and --latency-history: PING the server every 10 ms and report min/max/avg round-trip
 * times in milliseconds, as redis-cli does. On a terminal the line is redrawn in place (forever);
 * otherwise (--raw, --csv, a pipe) one line `min max avg samples` is printed after the interval
 * (-i, default 1 s). --latency-history starts a new line every interval (default 15 s).
 */
import { err, out, sleep } from "../io.ts";
import type { CliOptions } from "../options.ts";
import { Session } from "../session.ts";

const SAMPLE_EVERY_MS = 10;

interface Window {
  min: number;
  max: number;
  total: number;
  count: number;
  start: number;
}

const fresh = (): Window => ({ min: 0, max: 0, total: 0, count: 0, start: performance.now() });

export async function latencyMode(o: CliOptions): Promise<number> {
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const history = o.mode === "latency-history";
  const interactive = o.output === "tty";
  const interval = o.intervalGiven ? o.intervalMs : history ? 15_000 : 1000;
  let w = fresh();
  for (;;) {
    const t0 = performance.now();
    try {
      const r = await s.conn!.call(["PING"]);
      if (r.t === "error") {
        err(`\nI/O error\n`);
        return 1;
      }
    } catch {
      err("\nI/O error\n");
      return 1;
    }
    // Whole milliseconds, as redis-cli measures them.
    const ms = Math.floor(performance.now() - t0);
    if (w.count === 0 || ms < w.min) w.min = ms;
    if (ms > w.max) w.max = ms;
    w.total += ms;
    w.count++;
    const avg = (w.total / w.count).toFixed(2);
    const elapsed = performance.now() - w.start;
    if (!interactive) {
      if (elapsed >= interval) {
        out(`${w.min} ${w.max} ${avg} ${w.count}\n`);
        if (!history) return 0;
        w = fresh();
      }
    } else {
      out(`\x1b[0G\x1b[2Kmin: ${w.min}, max: ${w.max}, avg: ${avg} (${w.count} samples)`);
      if (history && elapsed >= interval) {
        out(` -- ${(elapsed / 1000).toFixed(2)} seconds range\n`);
        w = fresh();
      }
    }
    await sleep(SAMPLE_EVERY_MS);
  }
}
