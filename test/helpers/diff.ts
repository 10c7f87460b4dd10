/**
 * Differential testing against real redis-server 7.0: run the same command sequence on Kedis and
 * on Redis over real sockets and compare every reply byte for byte.
 *
 *   const d = await Differ.start();        // null when redis-server is missing (skip)
 *   await d.same(["SET", "k", "v"], ["GET", "k"]);
 *   await d.stop();
 */
import { TestClient } from "./client.ts";
import { asRedis70, latin1Decode } from "./resp.ts";
import { startKedis, startRedis, type KedisHandle, type RedisHandle } from "./servers.ts";

type Arg = string | Uint8Array | number;

export interface Mismatch {
  command: string;
  kedis: string;
  redis: string;
}

export class Differ {
  private constructor(
    readonly kedis: KedisHandle,
    readonly redis: RedisHandle,
    readonly k: TestClient,
    readonly r: TestClient,
  ) {}

  static async start(kedisConfig: Record<string, string> = {}, redisArgs: string[] = []): Promise<Differ | null> {
    const redis = await startRedis(redisArgs);
    if (redis === null) return null;
    const kedis = await startKedis({ config: kedisConfig });
    return new Differ(kedis, redis, await kedis.client(), await redis.client());
  }

  /** Run one command on both; return both raw replies as latin1 text. */
  async both(...args: Arg[]): Promise<[string, string]> {
    this.k.send(...args);
    this.r.send(...args);
    const [a, b] = await Promise.all([this.k.raw(), this.r.raw()]);
    return [asRedis70(latin1Decode(a)), latin1Decode(b)];
  }

  /** Run commands in order; return every mismatch (empty when all replies are identical). */
  async run(...commands: Arg[][]): Promise<Mismatch[]> {
    const out: Mismatch[] = [];
    for (const cmd of commands) {
      const [kedis, redis] = await this.both(...cmd);
      if (kedis !== redis) out.push({ command: cmd.map((a) => (typeof a === "string" ? a : typeof a === "number" ? String(a) : latin1Decode(a))).join(" "), kedis, redis });
    }
    return out;
  }

  /** Switch both connections to RESP2 or RESP3 (HELLO). */
  async resp(version: 2 | 3): Promise<void> {
    await this.both("HELLO", version);
  }

  /** Flush both servers (between scenarios). */
  async reset(): Promise<void> {
    await this.both("FLUSHALL");
  }

  async stop(): Promise<void> {
    await this.kedis.stop();
    await this.redis.stop();
  }
}
