/**
 * Microbenchmark registry shared by `bench/*.bench.ts` and `bench/run.ts`.
 *
 * Bench files register cases with `add(group, name, fn)` at top level. `bun run bench` imports
 * every bench file and runs all cases with mitata: in full mode through mitata's own runner
 * (its tables and summaries), and with KEDIS_BENCH_SHORT=1 (CI) through mitata's `measure` with a
 * small time budget per case and one compact table, so the whole suite takes seconds.
 * A bench file run directly (`bun bench/resp.bench.ts`) runs only its own cases.
 */
import { bench, do_not_optimize, group, measure, run, summary } from "mitata";

export interface Case {
  group: string;
  name: string;
  fn: () => unknown;
}

const cases: Case[] = [];

/** Register a benchmark case. `fn` runs once per iteration; return a value to keep it alive. */
export function add(groupName: string, name: string, fn: () => unknown): void {
  cases.push({ group: groupName, name, fn });
}

/** True under KEDIS_BENCH_SHORT=1 (CI): small budgets, one table. */
export function shortMode(): boolean {
  const v = process.env.KEDIS_BENCH_SHORT;
  return v !== undefined && v !== "" && v !== "0";
}

function fmtNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** Run every registered case (optionally only those whose "group/name" matches `filter`). */
export async function runAll(filter?: RegExp): Promise<void> {
  const selected = cases.filter((c) => filter === undefined || filter.test(`${c.group}/${c.name}`));
  // Check every case once before timing: a broken case should fail loudly, not be averaged.
  for (const c of selected) c.fn();
  if (!shortMode()) {
    const groups = [...new Set(selected.map((c) => c.group))];
    for (const g of groups) {
      group(g, () => {
        summary(() => {
          for (const c of selected) if (c.group === g) bench(c.name, () => do_not_optimize(c.fn()));
        });
      });
    }
    await run({ throw: true, colors: false });
    return;
  }
  const width = Math.max(...selected.map((c) => `${c.group} / ${c.name}`.length), 10);
  console.log(`${"benchmark".padEnd(width)}  ${"avg".padStart(11)}  ${"p50".padStart(11)}  ${"p99".padStart(11)}`);
  console.log(`${"-".repeat(width)}  ${"-".repeat(11)}  ${"-".repeat(11)}  ${"-".repeat(11)}`);
  for (const c of selected) {
    const fn = c.fn;
    const s = await measure(() => do_not_optimize(fn()), { min_cpu_time: 40e6, min_samples: 4, warmup_samples: 1 });
    const label = `${c.group} / ${c.name}`.padEnd(width);
    console.log(`${label}  ${fmtNs(s.avg).padStart(11)}  ${fmtNs(s.p50).padStart(11)}  ${fmtNs(s.p99).padStart(11)}`);
  }
}
