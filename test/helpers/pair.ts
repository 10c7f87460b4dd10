/**
 * A pair of connections, one to Kedis and one to real redis-server, driven in lockstep for
 * differential tests that need several connections (pub/sub, WATCH, tracking).
 */
import type { Differ } from "./diff.ts";
import type { TestClient } from "./client.ts";
import { latin1Decode } from "./resp.ts";
import { useResp3 } from "./pubsub.ts";

type Arg = string | Uint8Array | number;

export class Pair {
  private constructor(
    readonly k: TestClient,
    readonly r: TestClient,
  ) {}

  static async open(d: Differ, resp3 = false): Promise<Pair> {
    const p = new Pair(await d.kedis.client(), await d.redis.client());
    if (resp3) {
      await useResp3(d.kedis.server, p.k);
      await p.r.call("HELLO", "3");
    }
    return p;
  }

  /** Send to both without reading. */
  send(...args: Arg[]): void {
    this.k.send(...args);
    this.r.send(...args);
  }

  /** Next frame from both, as latin1 text. */
  async read(): Promise<[string, string]> {
    const [a, b] = await Promise.all([this.k.raw(), this.r.raw()]);
    return [latin1Decode(a), latin1Decode(b)];
  }

  /** Send and read `n` frames from both; returns them joined. */
  async both(n: number, ...args: Arg[]): Promise<[string, string]> {
    this.send(...args);
    let a = "";
    let b = "";
    for (let i = 0; i < n; i++) {
      const [x, y] = await this.read();
      a += x;
      b += y;
    }
    return [a, b];
  }
}
