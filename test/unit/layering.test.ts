/**
 * The layering rules of shared/DESIGN.md, checked on the import statements of src/:
 * datastructures ← store ← commands ← server; protocol depends on nothing server-side; scripting
 * never imports the server. `import type` is allowed across layers (it vanishes at run time:
 * commands receive the Client as their context type), run-time imports are not.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SRC = join(import.meta.dir, "../../src");

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Run-time imports of a file, as paths relative to src/ (type-only imports excluded). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^(import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?["'](\.[^"']+)["']/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const target = relative(SRC, join(file, "..", m[2]!));
    out.push(target);
  }
  return out;
}

const layerOf = (path: string) => path.split("/")[0]!;

/** For each layer, the layers it must not import at run time. */
const FORBIDDEN: Record<string, string[]> = {
  datastructures: ["store", "commands", "server", "persistence", "replication", "pubsub", "scripting", "config", "cli"],
  protocol: ["store", "commands", "server", "persistence", "replication", "pubsub", "scripting", "cli"],
  store: ["commands", "server", "persistence", "replication", "pubsub", "scripting", "cli"],
  commands: ["server", "cli"],
  scripting: ["server", "commands", "cli"],
  util: ["store", "commands", "server", "persistence", "replication", "pubsub", "scripting", "cli"],
};

describe("layering (DESIGN.md): run-time imports point one way", () => {
  const all = files(SRC).map((f) => ({ file: relative(SRC, f), imports: runtimeImports(f) }));

  test("the scan sees the source tree", () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((f) => f.imports.length > 0)).toBe(true);
  });

  test("no layer imports a layer above it at run time", () => {
    const bad: string[] = [];
    for (const { file, imports } of all) {
      const forbidden = FORBIDDEN[layerOf(file)];
      if (forbidden === undefined) continue;
      for (const imp of imports) if (forbidden.includes(layerOf(imp))) bad.push(`${file} imports ${imp}`);
    }
    expect(bad).toEqual([]);
  });
});
