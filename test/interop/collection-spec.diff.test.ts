/**
 * The set, sorted-set and SORT spec lines against real redis-server 7.0's COMMAND INFO: arity,
 * flags and first/last/step key positions.
 */
import { expect, test } from "bun:test";
import { FLAG_NAMES } from "../../src/commands/spec.ts";
import { setFamily } from "../../src/commands/set.ts";
import { sortedSetFamily } from "../../src/commands/sorted-set.ts";
import { sortFamily } from "../../src/commands/generic-sort.ts";
import { Registry } from "../../src/commands/registry.ts";
import { startRedis } from "../helpers/servers.ts";

test("set, sorted-set and SORT specs equal COMMAND INFO of redis-server 7.0", async () => {
  const redis = await startRedis();
  if (redis === null) {
    console.warn("SKIP collection-spec.diff: redis-server not installed");
    return;
  }
  try {
    const c = await redis.client();
    const reg = new Registry([setFamily, sortedSetFamily, sortFamily]);
    const ours: string[] = [];
    const theirs: string[] = [];
    for (const spec of reg.commands.values()) {
      const flags = FLAG_NAMES.filter(([bit]) => spec.flags & bit).map(([, n]) => n).sort();
      // The family group is "sorted_set" (Redis's JSON name); COMMAND DOCS prints "sorted-set".
      const ourGroup = spec.group.replace("_", "-");
      ours.push(`${spec.name} ${spec.arity} [${flags.join(" ")}] ${spec.firstKey} ${spec.lastKey} ${spec.step} ${ourGroup}`);
      const info = (await c.call("COMMAND", "INFO", spec.name)) as unknown[][];
      const i = info[0]!;
      const docs = (await c.call("COMMAND", "DOCS", spec.name)) as unknown[];
      const d = docs[1] as unknown[];
      const group = d[d.indexOf("group") + 1] as string;
      theirs.push(`${i[0]} ${i[1]} [${(i[2] as string[]).slice().sort().join(" ")}] ${i[3]} ${i[4]} ${i[5]} ${group}`);
    }
    expect(ours).toEqual(theirs);
  } finally {
    await redis.stop();
  }
});
