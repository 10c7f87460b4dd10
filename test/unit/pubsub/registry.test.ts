import { describe, expect, test } from "bun:test";
import { CF_PUBSUB, type Client } from "../../../src/server/client.ts";
import { PubSub } from "../../../src/pubsub/pubsub.ts";
import { ReplyWriter } from "../../../src/protocol/resp/writer.ts";
import { latin1Decode } from "../../helpers/resp.ts";

const b = (s: string) => new TextEncoder().encode(s);

/** A stand-in subscriber recording what it is handed (PubSub only uses these members). */
function fake(resp: number): Client & { got: Uint8Array[] } {
  const got: Uint8Array[] = [];
  return { resp, flags: 0, pubsub: null, got, deliver: (x: Uint8Array) => got.push(x) } as unknown as Client & { got: Uint8Array[] };
}

describe("pub/sub registry", () => {
  test("PUBLISH to many subscribers encodes one frame per protocol version and shares it", () => {
    const ps = new PubSub();
    const out = new ReplyWriter();
    const subs = Array.from({ length: 10 }, (_, i) => fake(i % 2 === 0 ? 2 : 3));
    for (const s of subs) ps.subscribe(s, out, b("ch"), false);
    expect(ps.publish(b("ch"), b("hi"))).toBe(10);
    const r2 = subs.filter((s) => s.resp === 2).map((s) => s.got[0]!);
    const r3 = subs.filter((s) => s.resp === 3).map((s) => s.got[0]!);
    expect(new Set(r2).size).toBe(1);
    expect(new Set(r3).size).toBe(1);
    expect(latin1Decode(r2[0]!)).toBe("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    expect(latin1Decode(r3[0]!)).toBe(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  });

  test("a client on a channel and a matching pattern receives both and counts twice", () => {
    const ps = new PubSub();
    const out = new ReplyWriter();
    const c = fake(2);
    ps.subscribe(c, out, b("news.tech"), false);
    ps.psubscribe(c, out, b("news.*"));
    ps.psubscribe(c, out, b("other.*"));
    expect(ps.publish(b("news.tech"), b("x"))).toBe(2);
    expect(c.got.map(latin1Decode)).toEqual([
      "*3\r\n$7\r\nmessage\r\n$9\r\nnews.tech\r\n$1\r\nx\r\n",
      "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$1\r\nx\r\n",
    ]);
  });

  test("subscription state: counts, CF_PUBSUB, owned copies and clean-up", () => {
    const ps = new PubSub();
    const out = new ReplyWriter();
    const c = fake(2);
    const ch = b("abc");
    ps.subscribe(c, out, ch, false);
    ch[0] = 0x7a; // the request buffer is reused: the registry must hold its own bytes
    expect(ps.numsub(b("abc"), false)).toBe(1);
    ps.subscribe(c, out, b("s"), true);
    ps.psubscribe(c, out, b("p*"));
    expect(c.flags & CF_PUBSUB).toBe(CF_PUBSUB);
    expect(c.pubsub!.count).toBe(2);
    ps.removeClient(c);
    expect(c.flags & CF_PUBSUB).toBe(0);
    expect(ps.channels.size + ps.shardChannels.size + ps.patterns.size).toBe(0);
    expect(ps.idle).toBe(true);
  });

  test("SPUBLISH reaches shard subscribers only, PUBLISH never reaches them", () => {
    const ps = new PubSub();
    const out = new ReplyWriter();
    const s = fake(2);
    const n = fake(2);
    ps.subscribe(s, out, b("x"), true);
    ps.subscribe(n, out, b("x"), false);
    expect(ps.spublish(b("x"), b("1"))).toBe(1);
    expect(ps.publish(b("x"), b("2"))).toBe(1);
    expect(latin1Decode(s.got[0]!)).toBe("*3\r\n$8\r\nsmessage\r\n$1\r\nx\r\n$1\r\n1\r\n");
    expect(s.got.length).toBe(1);
    expect(n.got.length).toBe(1);
  });
});
