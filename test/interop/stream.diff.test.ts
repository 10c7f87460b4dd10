/**
 * Stream commands, byte for byte against real redis-server 7.0: the command table vs COMMAND
 * INFO, scripted edge cases (IDs, options, errors, consumer groups), RESP3 shapes, then seeded
 * random workloads with consumer groups under small node limits (so node boundaries, approximate
 * trimming and XINFO's radix-tree counts are exercised), compared reply by reply and finally by
 * the decoded DUMP payload of every stream (node listpacks byte for byte, counters, groups, PELs).
 * Delivery times, seen times and idle times are masked: they depend on each server's clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { streamFamily } from "../../src/commands/stream.ts";
import { RdbReader, type StreamRaw } from "../../src/persistence/rdb/reader.ts";
import { Differ, type Mismatch } from "../helpers/diff.ts";
import { redisServerPath } from "../helpers/servers.ts";
import { compareSpecs, Gen, parseLines, rng, type Arg } from "./families.ts";
import { randomWorkload } from "./stream-workload.ts";
import type { CommandSpec } from "../../src/commands/spec.ts";

const HAVE_REDIS = redisServerPath() !== null;
if (!HAVE_REDIS) console.warn("SKIP stream interop: redis-server not found");
let d: Differ;

/** Hide clock-dependent numbers: delivery/seen timestamps, idle and elapsed times. */
function mask(cmd: Arg[], reply: string): string {
  const name = String(cmd[0]).toLowerCase();
  const sub = cmd.length > 1 ? String(cmd[1]).toLowerCase() : "";
  let r = reply;
  if (name === "xinfo" && sub === "stream") r = r.replace(/:\d{12,}\r\n/g, ":T\r\n");
  if (name === "xinfo" && sub === "consumers") r = r.replace(/(\$4\r\nidle\r\n):\d+/g, "$1:I");
  if (name === "xpending" && cmd.length > 3) r = r.replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, "$1:I\r\n");
  return r;
}

/** Replies seen by the last `run` (to check a random mix does useful work). */
const stats = { errors: 0, deliveries: 0, total: 0 };

async function run(cmds: Arg[][]): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  stats.errors = stats.deliveries = stats.total = 0;
  for (const cmd of cmds) {
    const [k, r] = await d.both(...cmd);
    stats.total++;
    if (r.startsWith("-")) stats.errors++;
    if (String(cmd[0]) === "XREADGROUP" && r.startsWith("*") && r.length > 40) stats.deliveries++;
    const km = mask(cmd, k);
    const rm = mask(cmd, r);
    if (km !== rm) out.push({ command: cmd.map(String).join(" "), kedis: km, redis: rm });
  }
  return out;
}

async function setBoth(name: string, value: string): Promise<void> {
  await d.r.call("CONFIG", "SET", name, value);
  const err = d.kedis.server.config.set(name, value);
  if (err !== null) throw new Error(err);
}

async function flush(): Promise<void> {
  await d.r.call("FLUSHALL");
  d.kedis.server.ks.flushAll();
}

/** A DUMP payload's stream, decoded, with clock-dependent fields zeroed. */
async function dumpOf(c: Differ["k"], key: string): Promise<string | null> {
  const raw = await c.call("DUMP", key);
  if (raw === null) return null;
  const b = typeof raw === "string" ? new Uint8Array(Buffer.from(raw, "latin1")) : (raw as unknown as Uint8Array);
  const r = new RdbReader(b.subarray(0, b.length - 10));
  const t = r.byte();
  const lv = r.object(t);
  if (lv.type !== "stream") return `type ${lv.type}`;
  const s: StreamRaw = lv.raw;
  return JSON.stringify(
    {
      ...s,
      nodes: s.nodes.map(([k, lp]) => [Buffer.from(k).toString("hex"), Buffer.from(lp).toString("hex")]),
      groups: s.groups.map((g) => ({
        ...g,
        name: Buffer.from(g.name).toString("latin1"),
        pel: g.pel.map((p) => ({ ...p, deliveryTime: 0 })),
        consumers: g.consumers.map((c) => ({ ...c, name: Buffer.from(c.name).toString("latin1"), seenTime: 0 })),
      })),
    },
    (_k, v) => (typeof v === "bigint" ? `${v}n` : v),
  );
}

async function compareDumps(keys: string[]): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const key of keys) {
    const type = await d.r.call("TYPE", key);
    if (type !== "stream") continue;
    const k = await dumpOf(d.k, key);
    const r = await dumpOf(d.r, key);
    if (k !== r) out.push({ command: `DUMP ${key}`, kedis: String(k), redis: String(r) });
  }
  return out;
}

describe.skipIf(!HAVE_REDIS)("stream commands vs redis-server", () => {
  beforeAll(async () => {
    d = (await Differ.start())!;
  });
  afterAll(async () => {
    await d.stop();
  });
  beforeEach(async () => {
    await setBoth("stream-node-max-entries", "100");
    await setBoth("stream-node-max-bytes", "4096");
    await flush();
  });

  test("arity, flags and key positions equal COMMAND INFO", async () => {
    const specs: CommandSpec[] = [];
    for (const line of streamFamily.commands) {
      const spec = d.kedis.server.registry.byName(line[0])!;
      specs.push(spec);
      if (spec.subcommands !== null) specs.push(...spec.subcommands.values());
    }
    expect(await compareSpecs(d, specs)).toEqual([]);
  });

  test("XADD IDs, options and errors; XRANGE/XREVRANGE bounds; XLEN, XDEL, XTRIM", async () => {
    const cmds = parseLines(`
      XADD s 1-1 f v a b
      XADD s 2-1 f v
      XADD s 3-1 x y
      XADD s 0-0 a b
      XADD s 0 a b
      XADD s 1 a b
      XADD s 3-1 a b
      XADD s 3-* a b
      XADD s 3-* a b
      XADD s 5-* a b
      XADD s abc a b
      XADD s 5-5 a
      XADD s 5-5 a b c
      XADD s - a b
      XADD s + a b
      XADD s (5 a b
      XADD s 007-3 a b
      XADD s 8 a b
      ["XADD", "s", " 9-1", "a", "b"]
      ["XADD", "s", "9-1 ", "a", "b"]
      ["XADD", "s", "9-1\\u0000zz", "a", "b"]
      XADD s +10-1 a b
      XADD s 11-+1 a b
      XADD s -0-1 a b
      XADD s 12-18446744073709551616 a b
      XADD s 12--1 a b
      XADD s 18446744073709551615-18446744073709551614 a b
      XADD s 18446744073709551615-* a b
      XADD s 18446744073709551615-* a b
      XADD s * a b
      XLEN s
      XRANGE s - +
      XREVRANGE s + -
      XRANGE s - + COUNT 2
      XRANGE s - + COUNT 0
      XRANGE s - + COUNT -1
      XRANGE s (1-1 +
      XRANGE s (3 (8
      XRANGE s 3 8
      XRANGE s - + COUNT
      XRANGE s - + FOO 1
      XRANGE s (- +
      XRANGE s - (+
      XRANGE s - (0-0
      XRANGE s (18446744073709551615-18446744073709551615 +
      XRANGE nokey - +
      XREVRANGE s (8 (3
      XREVRANGE s 8 - COUNT 1
      SET str x
      XRANGE str - +
      XADD str * a b
      XLEN str
      XLEN nokey
      XADD n2 NOMKSTREAM * a b
      EXISTS n2
      XADD n3 MAXLEN ~ 1 1-1 a b
      XADD n3 MAXLEN = 1 2-1 a b
      XADD n3 MAXLEN -1 3-1 a b
      XADD n3 MAXLEN abc 3-1 a b
      XADD n3 MAXLEN 1 MINID 1 3-1 a b
      XADD n3 MINID 1 MAXLEN 1 3-1 a b
      XADD n3 LIMIT 10 3-1 a b
      XADD n3 MAXLEN 1 LIMIT 10 3-1 a b
      XADD n3 MAXLEN ~ 1 LIMIT 10 3-1 a b
      XADD n3 MAXLEN ~ 1 LIMIT -1 3-1 a b
      XADD n3 MAXLEN ~ 1 LIMIT 0 4-1 a b
      XADD n3 LIMIT 0 5-1 a b
      XADD n3 MINID 10 5-1 a b
      XADD n3 MINID (10 6-1 a b
      XADD n3 MINID - 6-1 a b
      XADD n3 MAXLEN
      XADD n3 MAXLEN 5
      XADD n3 NOMKSTREAM
      XADD n3 FOO * a b
      XADD n3 nomkstream maxlen 3 20-1 a b
      XLEN n3
      XRANGE n3 - +
      XADD n4 *
      XDEL s 1-1 2-1 99-1
      XDEL s abc
      XDEL s 3-1 abc
      XDEL nokey 1-1
      XDEL str 1
      XRANGE s - +
      XTRIM s MAXLEN 2
      XTRIM s MAXLEN
      XTRIM s
      XTRIM s FOO
      XTRIM s MAXLEN ~ 0
      XTRIM s MAXLEN 1 LIMIT 1
      XTRIM s MINID 18446744073709551615-18446744073709551614
      XTRIM nokey MAXLEN 1
      XTRIM nokey FOO
      XTRIM str MAXLEN 1
      XRANGE s - +
      XINFO STREAM s
      XDEL s 18446744073709551615-18446744073709551614 18446744073709551615-18446744073709551615
      XINFO STREAM s
      XADD s 1-1 a b
    `);
    expect(await run(cmds)).toEqual([]);
  });

  test("XSETID", async () => {
    const cmds = parseLines(`
      XSETID s 5-5
      XADD s 1-1 a b
      XADD s 2-1 a b
      XSETID s 1-1
      XSETID s 2-1
      XSETID s 3-1
      XADD s 3-1 a b
      XSETID s 10-1 ENTRIESADDED 1
      XSETID s 10-1 ENTRIESADDED 2
      XSETID s 10-1 ENTRIESADDED -1
      XSETID s 10-1 ENTRIESADDED x
      XSETID s 10-1 MAXDELETEDID 11-1
      XSETID s 10-1 MAXDELETEDID 9-1
      XSETID s 10-1 MAXDELETEDID x
      XSETID s 10-1 FOO
      XSETID s 10-1 ENTRIESADDED
      XSETID s x
      XSETID s -
      XINFO STREAM s
      XSETID s 9-1
      XDEL s 1-1
      XSETID s 9-1 ENTRIESADDED 9223372036854775807 MAXDELETEDID 9-0
      XINFO STREAM s
      XSETID s 9-0
      XSETID s 18446744073709551615-18446744073709551615
      XADD s * a b
      XSETID nokey 1-1
      SET str x
      XSETID str 1-1
    `);
    expect(await run(cmds)).toEqual([]);
  });

  test("XGROUP, XREADGROUP, XREAD, XPENDING, XACK and XINFO", async () => {
    const cmds = parseLines(`
      XADD s 1-1 f v a b
      XADD s 2-1 f v
      XADD s 3-1 x y
      XGROUP CREATE s g 0
      XGROUP CREATE s g 0
      XGROUP CREATE s g2 $
      XGROUP CREATE s g3 5-5 ENTRIESREAD 3
      XGROUP CREATE s g4 5-5 ENTRIESREAD -2
      XGROUP CREATE s g4 5-5 ENTRIESREAD -1
      XGROUP CREATE s g5 5-5 ENTRIESREAD abc
      XGROUP CREATE s g5 abc
      XGROUP CREATE s g5 0 FOO
      XGROUP CREATE s g5 0 MKSTREAM FOO
      XGROUP CREATE s g5 0 ENTRIESREAD
      XGROUP CREATE nokey g 0
      XGROUP CREATE nokey g $ MKSTREAM
      XINFO STREAM nokey
      SET str x
      XGROUP CREATE str g 0
      XGROUP CREATE s g6 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM
      XGROUP CREATE s g6 -
      XGROUP CREATE s g6 +
      XGROUP SETID s g 2-1
      XGROUP SETID s g $ ENTRIESREAD 1
      XGROUP SETID s g -
      XGROUP SETID s nog 0
      XGROUP SETID s g 0 FOO 1
      XGROUP SETID s g 0 ENTRIESREAD x
      XGROUP SETID s g 0 ENTRIESREAD -5
      XGROUP SETID s g 0 ENTRIESREAD
      XGROUP SETID nokey2 g 0
      XGROUP CREATECONSUMER s g c1
      XGROUP CREATECONSUMER s g c1
      XGROUP CREATECONSUMER s nog c1
      XGROUP DELCONSUMER s g c1
      XGROUP DELCONSUMER s g c1
      XGROUP DESTROY s g6
      XGROUP DESTROY s g6
      XGROUP DESTROY nokey3 g6
      XGROUP FOO s g
      XGROUP HELP
      XGROUP HELP x
      XGROUP
      XGROUP CREATE s
      XINFO GROUPS s
      XINFO HELP
      XINFO FOO
      XINFO STREAM s
      XINFO STREAM s FULL
      XINFO STREAM s FULL COUNT 1
      XINFO STREAM s FULL COUNT
      XINFO STREAM s FULL COUNT -5
      XINFO STREAM s FULL COUNT abc
      XINFO STREAM s FOO
      XINFO STREAM s FULL COUNT 1 x
      XINFO STREAM s FULL x 1
      XINFO STREAM str
      XINFO STREAM nokey4
      XINFO GROUPS nokey4
      XINFO CONSUMERS s nog
      XINFO CONSUMERS s g
      XGROUP SETID s g 0
      XREADGROUP GROUP g c1 COUNT 1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s 0
      XREADGROUP GROUP g c1 STREAMS s 0 x
      XREADGROUP GROUP g c1 STREAMS s $
      XREADGROUP GROUP nog c1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS nokey5 >
      XREADGROUP STREAMS s >
      XREADGROUP GROUP g c1 NOACK STREAMS s >
      XREADGROUP GROUP g c1 FOO STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s
      XREAD GROUP g c1 STREAMS s >
      XREAD NOACK STREAMS s 0
      XREAD STREAMS s >
      XREAD STREAMS s $
      XREAD STREAMS s 0
      XREAD COUNT 1 STREAMS s 0
      XREAD COUNT 1 STREAMS s nokey 0 0
      XREAD COUNT -1 STREAMS s 0
      XREAD COUNT x STREAMS s 0
      XREAD BLOCK x STREAMS s 0
      XREAD BLOCK -1 STREAMS s 0
      XREAD STREAMS s 0 1
      XREAD STREAMS str 0
      XREAD STREAMS s 3-1
      XREAD STREAMS s 2-1
      XREAD STREAMS s -
      XREAD STREAMS s x
      XPENDING s g
      XPENDING s g - + 10
      XPENDING s g - + 10 c1
      XPENDING s g - + 10 nocons
      XPENDING s g IDLE 0 - + 10
      XPENDING s g IDLE 0 - + 10 c1
      XPENDING s g IDLE 0 - +
      XPENDING s g IDLE 3600000 - + 10
      XPENDING s g - +
      XPENDING s g - + x
      XPENDING s g x + 10
      XPENDING s g - + -5
      XPENDING s g (1-1 + 10
      XPENDING s g - (3-1 10
      XPENDING s g (18446744073709551615-18446744073709551615 + 10
      XPENDING s nog
      XPENDING nokey g
      XPENDING str g
      XACK s g 1-1
      XACK s g 1-1 2-1 9-9
      XACK s nog 1-1
      XACK s g abc
      XACK nokey g abc
      XACK str g 1
      XPENDING s g
      XREADGROUP GROUP g c2 STREAMS s 0
      XGROUP SETID s g 0
      XREADGROUP GROUP g c2 STREAMS s >
      XPENDING s g
      XPENDING s g - + 10
      XINFO GROUPS s
      XINFO STREAM s FULL
      XDEL s 2-1
      XINFO GROUPS s
      XINFO STREAM s
      XREADGROUP GROUP g c2 STREAMS s 0
      XINFO CONSUMERS s g
    `);
    expect(await run(cmds)).toEqual([]);
  });

  test("XCLAIM and XAUTOCLAIM", async () => {
    const cmds = parseLines(`
      XADD s 1-1 f v a b
      XADD s 2-1 f v
      XADD s 3-1 x y
      XADD s 4-1 x y
      XGROUP CREATE s g 0
      XREADGROUP GROUP g c1 STREAMS s >
      XCLAIM s g c2 0 1-1 JUSTID
      XCLAIM s g c2 0 1-1
      XCLAIM s g c2 0 1-1 2-1 99-1
      XCLAIM s g c2 0 1-1 RETRYCOUNT 7 JUSTID
      XCLAIM s g c2 abc 1-1
      XCLAIM s g c2 -5 1-1 JUSTID
      XCLAIM s g c2 0 1-1 FOO
      XCLAIM s g c2 0 1-1 IDLE
      XCLAIM s g c2 0 1-1 IDLE x
      XCLAIM s g c2 0 1-1 TIME x
      XCLAIM s g c2 0 1-1 RETRYCOUNT x
      XCLAIM s g c2 0 1-1 LASTID x
      XCLAIM s g c2 0 1-1 LASTID 2-1 JUSTID 3-1
      XCLAIM s nog c2 0 1-1
      XCLAIM nokey g c2 0 1-1
      SET str x
      XCLAIM str g c2 0 1-1
      XCLAIM s g c2 0 FORCE
      XCLAIM s g c3 3600000 1-1 JUSTID
      XCLAIM s g c3 0 1-1 IDLE 7200000 JUSTID
      XCLAIM s g c4 3600000 1-1 JUSTID
      XCLAIM s g c4 0 1-1 TIME 1000 JUSTID
      XCLAIM s g c5 3600000 1-1 JUSTID
      XGROUP CREATE s g2 0
      XCLAIM s g2 c9 0 2-1 JUSTID
      XCLAIM s g2 c9 0 2-1 FORCE JUSTID
      XCLAIM s g2 c9 0 2-1 FORCE JUSTID LASTID 9-9
      XINFO GROUPS s
      XCLAIM s g2 c9 0 LASTID 99-9
      XINFO GROUPS s
      XDEL s 3-1
      XCLAIM s g c5 0 3-1 4-1 JUSTID
      XPENDING s g
      XAUTOCLAIM s g c6 0 0
      XAUTOCLAIM s g c6 0 0 COUNT 1
      XAUTOCLAIM s g c6 0 0 COUNT 1 JUSTID
      XAUTOCLAIM s g c6 0 (1-1 COUNT 1 JUSTID
      XAUTOCLAIM s g c6 0 0 COUNT 0
      XAUTOCLAIM s g c6 0 0 COUNT -1
      XAUTOCLAIM s g c6 0 0 COUNT x
      XAUTOCLAIM s g c6 0 0 COUNT 576460752303423488
      XAUTOCLAIM s g c6 0 0 COUNT 100000000000000
      XAUTOCLAIM s g c6 0 0 FOO
      XAUTOCLAIM s g c6 x 0
      XAUTOCLAIM s g c6 0 x
      XAUTOCLAIM s g c6 0 (18446744073709551615-18446744073709551615
      XAUTOCLAIM s nog c6 0 0
      XAUTOCLAIM nokey g c6 0 0
      XAUTOCLAIM str g c6 0 0
      XAUTOCLAIM s g c6 3600000 0
      XAUTOCLAIM s g c6 0 0 JUSTID COUNT 2
      XADD s 5-1 q q
      XADD s 6-1 q q
      XREADGROUP GROUP g c7 STREAMS s >
      XDEL s 5-1
      XAUTOCLAIM s g c8 0 0 JUSTID
      XPENDING s g
      XINFO GROUPS s
      XINFO STREAM s FULL
      XINFO CONSUMERS s g
    `);
    expect(await run(cmds)).toEqual([]);
  });

  test("RESP3 reply shapes", async () => {
    await d.r.call("HELLO", "3");
    for (const cl of d.kedis.server.clients.values()) cl.resp = 3;
    try {
      const cmds = parseLines(`
        XADD s 1-1 a b
        XREAD STREAMS s 0
        XREAD STREAMS s nokey 0 0
        XREAD COUNT 0 STREAMS s 5
        XRANGE s - + COUNT 0
        XADD q NOMKSTREAM * a b
        XGROUP CREATE s g 0
        XPENDING s g
        XINFO GROUPS s
        XINFO STREAM s
        XREADGROUP GROUP g c STREAMS s >
        XPENDING s g
        XAUTOCLAIM s g c 0 0
        XINFO STREAM s FULL
        XINFO CONSUMERS s g
        XDEL s 1-1
        XREADGROUP GROUP g c STREAMS s 0
        XINFO STREAM s
        XINFO GROUPS s
        XGROUP HELP
      `);
      expect(await run(cmds)).toEqual([]);
    } finally {
      await d.r.call("HELLO", "2");
      for (const cl of d.kedis.server.clients.values()) cl.resp = 2;
    }
  });

  test("blocked XREAD/XREADGROUP are served, in order, with the same bytes as Redis (RESP2 and RESP3)", async () => {
    const x = d;
    const blockedOnRedis = async (): Promise<number> => Number(/blocked_clients:(\d+)/.exec((await x.r.call("INFO", "clients")) as string)![1]);
    const scenarios: { setup: string[][]; block: string[][]; then: string[][]; after: string[][] }[] = [
      { setup: [["XADD", "s", "1-1", "a", "b"]], block: [["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], ["XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "s", "1-1"]], then: [["XADD", "s", "2-1", "c", "d"]], after: [] },
      { setup: [], block: [["XREAD", "BLOCK", "0", "STREAMS", "nokey", "other", "$", "$"]], then: [["XADD", "other", "5-5", "k", "v"]], after: [] },
      {
        setup: [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]],
        block: [["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"], ["XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "COUNT", "1", "STREAMS", "s", ">"]],
        then: [["XADD", "s", "1-1", "a", "b"], ["XADD", "s", "1-2", "a", "b"]],
        after: [["XPENDING", "s", "g"], ["XINFO", "GROUPS", "s"]],
      },
      {
        setup: [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]],
        block: [["XREADGROUP", "GROUP", "g", "c1", "NOACK", "BLOCK", "0", "STREAMS", "s", ">"]],
        then: [["XADD", "s", "1-1", "a", "b"]],
        after: [["XPENDING", "s", "g"], ["XINFO", "GROUPS", "s"]],
      },
      { setup: [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]], block: [["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]], then: [["DEL", "s"]], after: [] },
      { setup: [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]], block: [["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]], then: [["SET", "s", "x"]], after: [] },
      { setup: [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]], block: [["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]], then: [["XGROUP", "DESTROY", "s", "g"]], after: [] },
      { setup: [["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]], block: [["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"]], then: [["FLUSHALL"]], after: [] },
      {
        setup: [["XADD", "s", "1-1", "a", "b"]],
        block: [["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]],
        then: [["DEL", "s"], ["XADD", "s", "1-1", "again", "1"], ["XADD", "s", "1-2", "again", "2"]],
        after: [],
      },
    ];
    for (const resp of [2, 3]) {
      for (const sc of scenarios) {
        const replies: string[][] = [[], []];
        for (const [side, server] of [[0, x.kedis], [1, x.redis]] as const) {
          const main = side === 0 ? x.k : x.r;
          await main.call("FLUSHALL");
          for (const cmd of sc.setup) await main.call(...cmd);
          const waiters = [];
          for (const cmd of sc.block) {
            const c = await server.client();
            await c.call("PING");
            if (resp === 3) {
              if (side === 0) [...x.kedis.server.clients.values()].at(-1)!.resp = 3;
              else await c.call("HELLO", "3");
            }
            c.send(...cmd);
            waiters.push(c);
            const n = waiters.length;
            for (let i = 0; i < 2000; i++) {
              if ((side === 0 ? x.kedis.server.blockedClients : await blockedOnRedis()) === n) break;
              await new Promise((r) => setTimeout(r, 1));
            }
          }
          if (process.env.DBG) console.log("scenario", side, resp, JSON.stringify(sc.block), JSON.stringify(sc.then));
          for (const cmd of sc.then) await main.call(...cmd);
          for (const c of waiters) {
            replies[side]!.push(new TextDecoder("latin1").decode(await c.raw()));
            c.close();
          }
          for (const cmd of sc.after) replies[side]!.push(mask(cmd, await main.callRaw(...cmd)));
        }
        expect({ sc: sc.block, resp, replies: replies[0] }).toEqual({ sc: sc.block, resp, replies: replies[1]! });
      }
    }
  });

  test("XREAD BLOCK times out with a null reply; MULTI answers at once", async () => {
    const out: string[][] = [[], []];
    for (const [side, server] of [[0, d.kedis], [1, d.redis]] as const) {
      const c = await server.client();
      out[side]!.push(await c.callRaw("XREAD", "BLOCK", "30", "STREAMS", "nokey", "$"));
      out[side]!.push(await c.callRaw("XADD", "s", "1-1", "a", "b"));
      out[side]!.push(await c.callRaw("XGROUP", "CREATE", "s", "g", "$"));
      out[side]!.push(await c.callRaw("XREADGROUP", "GROUP", "g", "c", "BLOCK", "20", "STREAMS", "s", ">"));
      out[side]!.push(await c.callRaw("MULTI"));
      out[side]!.push(await c.callRaw("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
      out[side]!.push(await c.callRaw("EXEC"));
      out[side]!.push(await c.callRaw("XINFO", "CONSUMERS", "s", "g").then((r) => mask(["XINFO", "CONSUMERS"], r)));
      c.close();
    }
    expect(out[0]).toEqual(out[1]!);
  });

  test("node layout, approximate trimming and radix-tree counts match under small node limits", async () => {
    for (const [entries, bytes] of [["3", "4096"], ["5", "120"], ["0", "200"], ["100", "0"]] as const) {
      await setBoth("stream-node-max-entries", entries);
      await setBoth("stream-node-max-bytes", bytes);
      await flush();
      const cmds: Arg[][] = [];
      for (let i = 1; i <= 40; i++) cmds.push(["XADD", "s", `${i}-${i % 3}`, "f", "v".repeat(i % 7), ...(i % 5 === 0 ? ["g", String(i * 1000)] : [])]);
      cmds.push(["XINFO", "STREAM", "s"]);
      for (const id of ["3-0", "7-1", "8-2", "9-0", "10-1", "20-2", "40-1", "39-0"]) cmds.push(["XDEL", "s", id]);
      cmds.push(["XINFO", "STREAM", "s"]);
      cmds.push(["XTRIM", "s", "MAXLEN", "~", "30"], ["XINFO", "STREAM", "s"], ["XLEN", "s"]);
      cmds.push(["XTRIM", "s", "MINID", "~", "22"], ["XINFO", "STREAM", "s"], ["XLEN", "s"]);
      cmds.push(["XTRIM", "s", "MAXLEN", "~", "5", "LIMIT", "4"], ["XINFO", "STREAM", "s"]);
      cmds.push(["XTRIM", "s", "MINID", "=", "25"], ["XINFO", "STREAM", "s"], ["XRANGE", "s", "-", "+"]);
      cmds.push(["XADD", "s", "MAXLEN", "~", "3", "50-0", "f", "v"], ["XINFO", "STREAM", "s"], ["XREVRANGE", "s", "+", "-", "COUNT", "4"]);
      cmds.push(["XTRIM", "s", "MAXLEN", "0"], ["XINFO", "STREAM", "s"], ["XADD", "s", "51-0", "x", "y"], ["XINFO", "STREAM", "s"]);
      expect(await run(cmds)).toEqual([]);
      expect(await compareDumps(["s"])).toEqual([]);
    }
  });

  test("seeded random workloads with consumer groups", async () => {
    const seeds = (process.env.STREAM_SEEDS ?? "1,2,3,4,5,6,7,8").split(",").map(Number);
    let deliveries = 0;
    for (const seed of seeds) {
      const g = new Gen(rng(seed));
      await setBoth("stream-node-max-entries", g.pick(["2", "4", "10", "100"]));
      await setBoth("stream-node-max-bytes", g.pick(["60", "150", "4096"]));
      await flush();
      const cmds = randomWorkload(g, 220);
      const bad = await run(cmds);
      expect({ seed, bad: bad.slice(0, 3) }).toEqual({ seed, bad: [] });
      // The mix must mostly succeed and hand out entries to consumers.
      expect(stats.errors).toBeLessThan(stats.total / 2);
      deliveries += stats.deliveries;
      expect(await compareDumps(["s1", "s2"])).toEqual([]);
    }
    expect(deliveries).toBeGreaterThan(seeds.length * 2);
  }, 120_000);
});


/** Commands of a Redis AOF (RESP arrays), as space-joined latin1 lines. */
function parseAof(b: Uint8Array): string[] {
  const s = Buffer.from(b).toString("latin1");
  const out: string[] = [];
  let p = 0;
  while (p < s.length) {
    if (s[p] !== "*") throw new Error(`bad AOF at ${p}`);
    let e = s.indexOf("\r\n", p);
    const n = Number(s.slice(p + 1, e));
    p = e + 2;
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      e = s.indexOf("\r\n", p);
      const len = Number(s.slice(p + 1, e));
      args.push(s.slice(e + 2, e + 2 + len));
      p = e + 2 + len + 2;
    }
    out.push(args.join(" "));
  }
  return out;
}

/** Hide times: 13-digit millisecond timestamps (generated IDs, XCLAIM TIME). */
function maskTimes(line: string): string {
  return line.replace(/\b\d{13}\b/g, "T");
}

describe.skipIf(!HAVE_REDIS)("stream propagation vs Redis's AOF", () => {
  let p: Differ;
  beforeAll(async () => {
    p = (await Differ.start({ "stream-node-max-entries": "3" }, ["--appendonly", "yes", "--appendfsync", "always", "--stream-node-max-entries", "3"]))!;
  });
  afterAll(async () => {
    await p.stop();
  });

  test("writes propagate as Redis 7.0 writes them to the AOF", async () => {
    const writes: string[] = [];
    p.kedis.server.propagators.push((_db, argv) => writes.push(argv.map((a) => Buffer.from(a).toString("latin1")).join(" ")));
    const aofDir = `${p.redis.dir}/appendonlydir`;
    const { readdirSync } = await import("node:fs");
    const incr = (): string => `${aofDir}/${readdirSync(aofDir).find((f) => f.endsWith(".incr.aof"))!}`;
    const before = (await Bun.file(incr()).bytes()).length;
    const cmds = parseLines(`
      XADD s * a 1
      XADD s 5-* a 2
      XADD s MAXLEN ~ 1 10-1 a 3
      XADD s 11-1 a 4
      XADD s 12-1 a 5
      XADD s 13-1 a 6
      XADD s MAXLEN ~ 2 LIMIT 3 14-1 a 7
      XADD s MINID ~ 13 15-1 a 8
      XADD s MAXLEN = 5 16-1 a 9
      XTRIM s MAXLEN ~ 100
      XTRIM s MAXLEN ~ 1
      XTRIM s MINID = 16
      XADD s 17-1 a 10
      XADD s 18-1 a 11
      XGROUP CREATE s g 0
      XGROUP CREATE s g2 $
      XGROUP CREATE m g $ MKSTREAM
      XREADGROUP GROUP g c1 COUNT 1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s >
      XREADGROUP GROUP g c1 STREAMS s 0
      XREADGROUP GROUP g2 c9 STREAMS s 0
      XADD s 19-1 a 12
      XREADGROUP GROUP g c2 NOACK STREAMS s >
      XCLAIM s g c2 0 16-1 JUSTID
      XCLAIM s g c3 0 17 TIME 1000 RETRYCOUNT 5
      XCLAIM s g c3 0 LASTID 99-1
      XCLAIM s g c3 3600000 16-1
      XDEL s 18-1
      XAUTOCLAIM s g c4 0 0 COUNT 10
      XACK s g 16-1 99-9
      XACK s g 42-0
      XGROUP SETID s g 0 ENTRIESREAD 0
      XGROUP CREATECONSUMER s g c7
      XGROUP DELCONSUMER s g c7
      XGROUP DESTROY s g2
      XSETID s 100-1 ENTRIESADDED 50 MAXDELETEDID 18-1
      XDEL s 1-1
      XTRIM s MAXLEN 1000
    `);
    for (const cmd of cmds) await p.both(...cmd);
    // Blocked readers served by later writes (one entry; then two added by one EXEC).
    await p.both("XGROUP", "CREATE", "b", "g", "$", "MKSTREAM");
    for (const more of [[["XADD", "b", "1-1", "x", "y"]], [["MULTI"], ["XADD", "b", "2-1", "x", "y"], ["XADD", "b", "2-2", "x", "y"], ["EXEC"]]]) {
      const waiters = [await p.kedis.client(), await p.redis.client()];
      for (const w of waiters) w.send("XREADGROUP", "GROUP", "g", "w", "BLOCK", "0", "STREAMS", "b", ">");
      await Bun.sleep(30);
      for (const cmd of more) await p.both(...cmd);
      for (const w of waiters) {
        await w.raw();
        w.close();
      }
    }
    const aof = parseAof((await Bun.file(incr()).bytes()).subarray(before)).filter((l) => !l.startsWith("SELECT"));
    expect(writes.map(maskTimes)).toEqual(aof.map(maskTimes));
  });
});
