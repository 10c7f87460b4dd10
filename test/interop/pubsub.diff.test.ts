/**
 * Pub/Sub against real redis-server 7.0: every reply and message frame byte for byte, in RESP2
 * and RESP3, and glob semantics checked with PUBSUB CHANNELS on random patterns.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Differ } from "../helpers/diff.ts";
import { Pair } from "../helpers/pair.ts";

let d: Differ | null = null;
beforeAll(async () => {
  d = await Differ.start();
});
afterAll(async () => {
  await d?.stop();
});

/**
 * Run steps of [replyCount, ...command] on a pair; collect mismatches. A count of -1 means one
 * reply compared as a sorted list (channel listings follow Redis's hash-table order).
 */
async function script(p: Pair, steps: [number, ...string[]][]): Promise<string[]> {
  const bad: string[] = [];
  for (const [n, ...cmd] of steps) {
    let a: string;
    let b: string;
    if (n < 0) {
      p.send(...cmd);
      const [x, y] = await Promise.all([p.k.reply(), p.r.reply()]);
      a = JSON.stringify(Array.isArray(x) ? [...x].sort() : x);
      b = JSON.stringify(Array.isArray(y) ? [...y].sort() : y);
    } else [a, b] = await p.both(n, ...cmd);
    if (a !== b) bad.push(`${cmd.join(" ")}\n  kedis: ${JSON.stringify(a)}\n  redis: ${JSON.stringify(b)}`);
  }
  return bad;
}

function skip(): boolean {
  if (d === null) console.warn("SKIP pubsub diff: redis-server not installed");
  return d === null;
}

for (const resp3 of [false, true]) {
  const proto = resp3 ? "RESP3" : "RESP2";
  describe(`Pub/Sub vs redis-server (${proto})`, () => {
    test("subscribe/unsubscribe replies, the subscribed context and PING", async () => {
      if (skip()) return;
      const p = await Pair.open(d!, resp3);
      const bad = await script(p, [
        [1, "UNSUBSCRIBE"],
        [1, "PUNSUBSCRIBE"],
        [1, "SUNSUBSCRIBE"],
        [2, "SUBSCRIBE", "a", "a"],
        [1, "SUBSCRIBE", "b"],
        [1, "PING"],
        [1, "PING", "hello"],
        [1, "GET", "k"],
        [1, "SET", "k", "v"],
        [1, "PUBSUB", "NUMSUB", "a"],
        [1, "NOPE"],
        [1, "SUBSCRIBE"],
        [1, "PSUBSCRIBE", "p*"],
        [2, "PSUBSCRIBE", "q?", "p*"],
        [1, "SSUBSCRIBE", "s1"],
        [1, "UNSUBSCRIBE", "b"],
        [1, "UNSUBSCRIBE", "not-subscribed"],
        [1, "UNSUBSCRIBE"],
        [2, "PUNSUBSCRIBE", "p*", "q?"],
        [1, "PUNSUBSCRIBE"],
        [1, "GET", "k"],
        [1, "SUNSUBSCRIBE", "s1"],
        [1, "GET", "k"],
        [1, "PING"],
        [1, "PING", "x"],
      ]);
      expect(bad).toEqual([]);
    });

    test("message, pmessage and smessage frames (binary-safe)", async () => {
      if (skip()) return;
      const sub = await Pair.open(d!, resp3);
      const pub = await Pair.open(d!, resp3);
      const bad = await script(sub, [
        [1, "SUBSCRIBE", "news.tech"],
        [2, "PSUBSCRIBE", "news.*", "n[a-f]ws.t?ch"],
        [1, "SSUBSCRIBE", "shard"],
      ]);
      // Frames per publish. With several matching patterns Redis's order is its hash-table
      // order, so news.tech (channel + 2 patterns) is compared as a sorted set of frames.
      const publishes: [string, string, string, number][] = [
        ["PUBLISH", "news.art", "hello", 1],
        ["PUBLISH", "nbws.tech", "bin\r\n\x00\xff", 1],
        ["PUBLISH", "news.tech", "x", 3],
        ["SPUBLISH", "shard", "s", 1],
        ["PUBLISH", "shard", "not for shard subscribers", 0],
        ["SPUBLISH", "news.art", "not for channel subscribers", 0],
      ];
      for (const [cmd, ch, msg, frames] of publishes) {
        bad.push(...(await script(pub, [[1, cmd, ch, msg]])));
        const ks: string[] = [];
        const rs: string[] = [];
        for (let i = 0; i < frames; i++) {
          const [a, b] = await sub.read();
          ks.push(a);
          rs.push(b);
        }
        if (JSON.stringify(ks.sort()) !== JSON.stringify(rs.sort())) bad.push(`${cmd} ${ch}: ${JSON.stringify(ks)} / ${JSON.stringify(rs)}`);
      }
      // Nothing else arrived: the next frame on both is the PING reply.
      bad.push(...(await script(sub, [[1, "PING"]])));
      expect(bad).toEqual([]);
    });

    test("PUBSUB subcommands and their errors", async () => {
      if (skip()) return;
      const sub = await Pair.open(d!, resp3);
      const q = await Pair.open(d!, resp3);
      await script(sub, [
        [1, "SUBSCRIBE", "only-one"],
        [2, "PSUBSCRIBE", "x*", "y*"],
        [1, "SSUBSCRIBE", "sh1"],
      ]);
      const bad = await script(q, [
        [1, "PUBSUB", "HELP"],
        [1, "PUBSUB", "help"],
        [-1, "PUBSUB", "CHANNELS"],
        [-1, "PUBSUB", "CHANNELS", "only*"],
        [1, "PUBSUB", "CHANNELS", "nomatch*"],
        [1, "PUBSUB", "NUMSUB"],
        [1, "PUBSUB", "NUMSUB", "only-one", "nobody"],
        [1, "PUBSUB", "NUMPAT"],
        [-1, "PUBSUB", "SHARDCHANNELS"],
        [-1, "PUBSUB", "SHARDCHANNELS", "sh*"],
        [1, "PUBSUB", "SHARDNUMSUB", "sh1", "zz"],
        [1, "PUBSUB", "SHARDNUMSUB"],
        [1, "PUBSUB"],
        [1, "PUBSUB", "FOO"],
        [1, "PUBSUB", "CHANNELS", "a", "b"],
        [1, "PUBSUB", "SHARDCHANNELS", "a", "b"],
        [1, "PUBSUB", "NUMPAT", "x"],
        [1, "PUBSUB", "HELP", "x"],
        [1, "PUBLISH", "a"],
        [1, "PUBLISH", "nobody", "m"],
        [1, "SPUBLISH", "nobody", "m"],
        [1, "SPUBLISH"],
        [1, "SSUBSCRIBE"],
        [1, "PSUBSCRIBE"],
      ]);
      expect(bad).toEqual([]);
    });
  });
}

describe("glob semantics vs redis-server", () => {
  test("PUBSUB CHANNELS with random patterns lists the same channels", async () => {
    if (skip()) return;
    const sub = await Pair.open(d!);
    const q = await Pair.open(d!);
    const alpha = "ab-]^\\[";
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const channels = new Set<string>();
    while (channels.size < 60) {
      let s = "";
      const n = 1 + Math.floor(rnd() * 4);
      for (let i = 0; i < n; i++) s += alpha[Math.floor(rnd() * alpha.length)];
      channels.add(s);
    }
    const list = [...channels];
    sub.send("SUBSCRIBE", ...list);
    for (let i = 0; i < list.length; i++) await sub.read();
    const pAlpha = "ab*?[]^-\\";
    const bad: string[] = [];
    // Quirks first (reversed ranges, unterminated classes, escapes), then random patterns.
    const fixed = ["[b-a]*", "[a-", "[ab", "*\\", "a\\", "[^", "[^a]*", "[]a]", "[\\]]*", "*[]-^]*", "[a-]*", "?", "??", "*?*", "\\*", "[\\-b]"];
    for (let n = 0; n < 300 + fixed.length; n++) {
      let pat = n < fixed.length ? fixed[n]! : "";
      const len = n < fixed.length ? 0 : Math.floor(rnd() * 6);
      for (let i = 0; i < len; i++) pat += pAlpha[Math.floor(rnd() * pAlpha.length)];
      q.send("PUBSUB", "CHANNELS", pat);
      const [a, b] = await Promise.all([q.k.reply(), q.r.reply()]);
      const sa = JSON.stringify((a as string[]).sort());
      const sb = JSON.stringify((b as string[]).sort());
      if (sa !== sb) bad.push(`pattern ${JSON.stringify(pat)}: kedis ${sa} redis ${sb}`);
    }
    expect(bad).toEqual([]);
  });
});
