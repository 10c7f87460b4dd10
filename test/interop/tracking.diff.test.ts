/**
 * Client-side caching against real redis-server 7.0: CLIENT TRACKING option errors, TRACKINGINFO,
 * and invalidation frames (own writes, other writers, BCAST, OPTIN, REDIRECT to a RESP2
 * subscriber), in RESP2 and RESP3.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Differ } from "../helpers/diff.ts";
import { Pair } from "../helpers/pair.ts";
import { clientId } from "../helpers/pubsub.ts";

let d: Differ | null = null;
beforeAll(async () => {
  d = await Differ.start();
});
afterAll(async () => {
  await d?.stop();
});

/** Steps of [frames to read, ...command]; collect mismatches. */
async function script(p: Pair, steps: [number, ...string[]][]): Promise<string[]> {
  const bad: string[] = [];
  for (const [n, ...cmd] of steps) {
    const [a, b] = await p.both(n, ...cmd);
    if (a !== b) bad.push(`${cmd.join(" ")}\n  kedis: ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`);
  }
  return bad;
}

function skip(): boolean {
  if (d === null) console.warn("SKIP tracking diff: redis-server not installed");
  return d === null;
}

for (const resp3 of [false, true]) {
  describe(`CLIENT TRACKING vs redis-server (${resp3 ? "RESP3" : "RESP2"})`, () => {
    test("option errors and TRACKINGINFO", async () => {
      if (skip()) return;
      const p = await Pair.open(d!, resp3);
      const bad = await script(p, [
        [1, "CLIENT", "TRACKING"],
        [1, "CLIENT", "TRACKING", "foo"],
        [1, "CLIENT", "TRACKING", "on", "redirect"],
        [1, "CLIENT", "TRACKING", "on", "redirect", "x"],
        [1, "CLIENT", "TRACKING", "on", "redirect", "99999"],
        [1, "CLIENT", "TRACKING", "on", "optin", "optout"],
        [1, "CLIENT", "TRACKING", "on", "prefix", "a"],
        [1, "CLIENT", "TRACKING", "on", "bcast", "optout"],
        [1, "CLIENT", "TRACKING", "on", "bcast", "prefix", "ab", "prefix", "a"],
        [1, "CLIENT", "CACHING", "yes"],
        [1, "CLIENT", "CACHING"],
        [1, "CLIENT", "GETREDIR"],
        [1, "CLIENT", "TRACKINGINFO"],
        [1, "CLIENT", "TRACKING", "on", "optin", "noloop"],
        [1, "CLIENT", "CACHING", "no"],
        [1, "CLIENT", "CACHING", "yes"],
        [1, "CLIENT", "TRACKINGINFO"],
        [1, "CLIENT", "TRACKING", "on", "bcast"],
        [1, "CLIENT", "TRACKING", "off"],
        [1, "CLIENT", "TRACKING", "on", "bcast", "prefix", "p:", "prefix", "a"],
        [1, "CLIENT", "TRACKING", "on", "bcast", "prefix", "p:x"],
        [1, "CLIENT", "TRACKING", "on", "bcast"],
        [1, "CLIENT", "TRACKINGINFO"],
        [1, "CLIENT", "GETREDIR"],
        [1, "CLIENT", "TRACKING", "off"],
        [1, "CLIENT", "TRACKINGINFO"],
      ]);
      expect(bad).toEqual([]);
    });
  });
}

describe("invalidation frames vs redis-server (RESP3)", () => {
  test("own writes, other writers, MULTI/EXEC, NOLOOP, OPTIN", async () => {
    if (skip()) return;
    const t = await Pair.open(d!, true);
    const w = await Pair.open(d!);
    const bad = await script(t, [
      [1, "CLIENT", "TRACKING", "on"],
      [1, "GET", "ti1"],
      [2, "SET", "ti1", "a"],
      [1, "GET", "ti1"],
      [1, "MULTI"],
      [1, "GET", "ti1"],
      [1, "SET", "ti1", "b"],
      [2, "EXEC"],
      [1, "GET", "ti2"],
    ]);
    bad.push(...(await script(w, [[1, "SET", "ti2", "x"], [1, "SET", "ti1", "later"]])));
    // ti2's invalidation, then the PING reply (nothing for ti1: written, not read, in EXEC).
    bad.push(...(await script(t, [[2, "PING"]])));
    bad.push(...(await script(t, [[1, "CLIENT", "TRACKING", "on", "noloop"], [1, "GET", "ti3"], [1, "SET", "ti3", "x"], [1, "PING"]])));
    bad.push(...(await script(t, [[1, "CLIENT", "TRACKING", "off"], [1, "CLIENT", "TRACKING", "on", "optin"], [1, "GET", "ti4"], [1, "CLIENT", "CACHING", "yes"], [1, "GET", "ti5"]])));
    bad.push(...(await script(w, [[1, "SET", "ti4", "x"], [1, "SET", "ti5", "x"]])));
    bad.push(...(await script(t, [[2, "PING"]])));
    expect(bad).toEqual([]);
  });

  test("BCAST with prefixes: one message per prefix, keys sorted", async () => {
    if (skip()) return;
    const t = await Pair.open(d!, true);
    const w = await Pair.open(d!);
    const bad = await script(t, [[1, "CLIENT", "TRACKING", "on", "bcast", "prefix", "u:", "prefix", "i:"]]);
    // One pipelined write, so both servers see the four SETs in one input event.
    const pipeline = "SET u:2 a\r\nSET i:9 b\r\nSET zz c\r\nSET u:1 d\r\n";
    w.k.write(pipeline);
    w.r.write(pipeline);
    for (let i = 0; i < 4; i++) await w.read();
    // Up to 2 invalidation frames, then the PING reply; Redis may split them across events.
    const [a, b] = await t.both(1, "PING");
    const collect = async (first: string, side: "k" | "r"): Promise<string> => {
      let s = first;
      while (!s.endsWith("+PONG\r\n")) s += new TextDecoder("latin1").decode(await t[side].raw());
      return s;
    };
    const ka = await collect(a, "k");
    const rb = await collect(b, "r");
    if (ka !== rb) bad.push(`bcast: ${JSON.stringify(ka)} / ${JSON.stringify(rb)}`);
    expect(bad).toEqual([]);
  });

  test("REDIRECT to a RESP2 subscriber of __redis__:invalidate", async () => {
    if (skip()) return;
    const r = await Pair.open(d!);
    const t = await Pair.open(d!);
    const w = await Pair.open(d!);
    // Each server's own id for the redirect target.
    const redisId = (await r.r.call("CLIENT", "ID")) as number;
    const kedisId = await clientId(d!.kedis.server, r.k);
    const bad = await script(r, [[1, "SUBSCRIBE", "__redis__:invalidate"]]);
    t.k.send("CLIENT", "TRACKING", "on", "redirect", String(kedisId));
    t.r.send("CLIENT", "TRACKING", "on", "redirect", String(redisId));
    const [x, y] = await t.read();
    if (x !== y) bad.push(`tracking on: ${x} / ${y}`);
    bad.push(...(await script(t, [[1, "GET", "rd"]])));
    bad.push(...(await script(w, [[1, "SET", "rd", "1"]])));
    const [m1, m2] = await r.read();
    if (m1 !== m2) bad.push(`invalidate message: ${JSON.stringify(m1)} / ${JSON.stringify(m2)}`);
    expect(m1).toBe("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$2\r\nrd\r\n");
    expect(bad).toEqual([]);
  });
});
