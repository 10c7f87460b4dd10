/**
 * The command table is checked, not trusted: every command Kedis implements (read from the
 * registry at test time, so the check grows with each family) is compared with real Redis 7.0's
 * COMMAND INFO: arity, flags (as sets), first/last/step key positions, subcommands, movable keys
 * (Redis's `movablekeys` needs a keyFinder) and ACL categories.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { visibleFlags } from "../../src/commands/command.ts";
import { FAMILIES } from "../../src/commands/index.ts";
import { Registry } from "../../src/commands/registry.ts";
import { aclCategories, type CommandSpec } from "../../src/commands/spec.ts";
import { redisServerPath, startRedis, type RedisHandle } from "../helpers/servers.ts";
import type { Reply } from "../helpers/resp.ts";

/** Commands from later Redis versions that Kedis implements on purpose (docs/compatibility.md). */
const KNOWN_EXTRA = new Set(["client|setinfo"]);

interface RedisInfo {
  arity: number;
  flags: Set<string>;
  first: number;
  last: number;
  step: number;
  categories: string[];
  subcommands: string[];
}

const haveRedis = redisServerPath() !== null;
if (!haveRedis) console.warn("SKIP command-info interop: redis-server not found");

const registry = new Registry(FAMILIES);
const redisInfo = new Map<string, RedisInfo>();
let redis: RedisHandle | null = null;

function walk(entry: Reply): void {
  if (!Array.isArray(entry)) return;
  const [name, arity, flags, first, last, step, cats, , , subs] = entry as [string, number, string[], number, number, number, string[], Reply, Reply, Reply[]];
  redisInfo.set(name, {
    arity,
    flags: new Set(flags),
    first,
    last,
    step,
    categories: cats,
    subcommands: (subs ?? []).map((s) => (s as [string])[0]),
  });
  for (const s of subs ?? []) walk(s);
}

beforeAll(async () => {
  if (!haveRedis) return;
  redis = await startRedis();
  if (redis === null) return;
  const c = await redis.client();
  const all = await c.call("COMMAND");
  for (const e of all as Reply[]) walk(e);
});

afterAll(async () => {
  await redis?.stop();
});

function describeSpec(s: CommandSpec): string {
  return `${s.arity} [${visibleFlags(s).join(" ")}] [${s.firstKey},${s.lastKey},${s.step}]`;
}

function describeRedis(r: RedisInfo): string {
  return `${r.arity} [${[...r.flags].join(" ")}] [${r.first},${r.last},${r.step}]`;
}

describe.skipIf(!haveRedis)("command table vs Redis 7.0 COMMAND INFO", () => {
  test("Redis's COMMAND reply was read", () => {
    expect(redisInfo.size).toBeGreaterThan(200);
  });

  test("every implemented command has Redis's arity, flags and key positions", () => {
    const mismatches: string[] = [];
    for (const spec of registry.specs) {
      const r = redisInfo.get(spec.name);
      if (r === undefined) {
        if (!KNOWN_EXTRA.has(spec.name)) mismatches.push(`${spec.name}: not a Redis 7.0 command`);
        continue;
      }
      const ours = new Set(visibleFlags(spec));
      const sameFlags = ours.size === r.flags.size && [...ours].every((f) => r.flags.has(f));
      if (spec.arity !== r.arity || !sameFlags || spec.firstKey !== r.first || spec.lastKey !== r.last || spec.step !== r.step) {
        mismatches.push(`${spec.name}: kedis ${describeSpec(spec)} != redis ${describeRedis(r)}`);
      }
      if (r.flags.has("movablekeys") && spec.keyFinder === null) mismatches.push(`${spec.name}: Redis has movable keys, the spec has no keyFinder`);
    }
    expect(mismatches).toEqual([]);
  });

  test("implemented containers have all of Redis's subcommands", () => {
    const missing: string[] = [];
    for (const spec of registry.commands.values()) {
      const r = redisInfo.get(spec.name);
      if (r === undefined) continue;
      for (const sub of r.subcommands) if (spec.subcommands?.has(sub.slice(spec.name.length + 1)) !== true) missing.push(sub);
      if (r.subcommands.length > 0 && spec.subcommands === null) missing.push(`${spec.name} (not a container)`);
    }
    expect(missing).toEqual([]);
  });

  test("every implemented command has Redis's ACL categories, in Redis's order", () => {
    const mismatches: string[] = [];
    for (const spec of registry.specs) {
      const r = redisInfo.get(spec.name);
      if (r === undefined) continue;
      const ours = aclCategories(spec);
      if (ours.join(" ") !== r.categories.join(" ")) mismatches.push(`${spec.name}: kedis {${ours.join(" ")}} != redis {${r.categories.join(" ")}}`);
    }
    expect(mismatches).toEqual([]);
  });
});
