/**
 * `bun run bench`: imports every `bench/*.bench.ts` (each registers its cases) and runs them with
 * mitata. KEDIS_BENCH_SHORT=1 gives a quick pass (CI); an optional argument filters cases by a
 * regular expression over "group/name", e.g. `bun run bench resp`.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { runAll, shortMode } from "./harness.ts";

const dir = import.meta.dir;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();
for (const f of files) await import(join(dir, f));
const pattern = process.argv[2];
console.log(`kedis microbenchmarks (${files.join(", ")})${shortMode() ? " [short mode]" : ""}`);
await runAll(pattern !== undefined ? new RegExp(pattern) : undefined);
