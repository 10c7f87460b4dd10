/**
 * PUBLISH fan-out to 1,000 subscribers: the registry encodes each frame once per protocol
 * version and hands the same bytes to every subscriber (`Client.deliver`). Compared with a
 * naive baseline that encodes the frame once per subscriber.
 *
 *   bun bench/pubsub.bench.ts
 */
import type { Client } from "../src/server/client.ts";
import { PubSub, encodeBulkAggregate } from "../src/pubsub/pubsub.ts";
import { ReplyWriter } from "../src/protocol/resp/writer.ts";
import { add, runAll } from "./harness.ts";

const enc = new TextEncoder();
const N = 1000;

/** Stand-in subscriber: counts bytes handed to it (PubSub only uses these members). */
function subscriber(resp: number, sink: { bytes: number }): Client {
  return { resp, flags: 0, pubsub: null, deliver: (b: Uint8Array) => (sink.bytes += b.length) } as unknown as Client;
}

function registry(mixed: boolean, patterns: number): { ps: PubSub; sink: { bytes: number }; subs: Client[] } {
  const ps = new PubSub();
  const out = new ReplyWriter();
  const sink = { bytes: 0 };
  const subs: Client[] = [];
  for (let i = 0; i < N; i++) {
    const c = subscriber(mixed && i % 2 === 1 ? 3 : 2, sink);
    subs.push(c);
    ps.subscribe(c, out, enc.encode("bench:channel"), false);
    out.take();
  }
  for (let p = 0; p < patterns; p++) {
    ps.psubscribe(subs[p]!, out, enc.encode(`other:${p}:*`));
    out.take();
  }
  return { ps, sink, subs };
}

const ch = enc.encode("bench:channel");
const small = enc.encode("hello world");
const large = new Uint8Array(4096).fill(120);
const MESSAGE = enc.encode("message");

const G = "PUBLISH to 1,000 subscribers";
const r2 = registry(false, 0);
const mixed = registry(true, 0);
const withPatterns = registry(false, 50);
add(G, "RESP2 subscribers, 11-byte message", () => r2.ps.publish(ch, small));
add(G, "RESP2 subscribers, 4 KiB message", () => r2.ps.publish(ch, large));
add(G, "half RESP2 / half RESP3, 4 KiB message", () => mixed.ps.publish(ch, large));
add(G, "RESP2 subscribers + 50 non-matching patterns", () => withPatterns.ps.publish(ch, small));
add(G, "baseline: encode per subscriber, 4 KiB message", () => {
  let n = 0;
  for (const c of r2.subs) {
    const f = encodeBulkAggregate(c.resp === 2 ? 0x2a : 0x3e, [MESSAGE, ch, large]);
    c.deliver(f);
    n++;
  }
  return n;
});

if (import.meta.main) await runAll();
