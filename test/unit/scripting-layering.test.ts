/** src/scripting/ gets its commands through ScriptHost: it never imports the server or commands. */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("src/scripting imports nothing from server/ or commands/", () => {
  const root = join(import.meta.dir, "../../src/scripting");
  const bad: string[] = [];
  for (const f of files(root)) {
    for (const m of readFileSync(f, "utf8").matchAll(/from\s+"([^"]+)"/g)) {
      if (/\/(server|commands)\//.test(m[1]!)) bad.push(`${f}: ${m[1]}`);
    }
  }
  expect(bad).toEqual([]);
});
