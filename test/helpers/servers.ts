/**
 * Start servers for tests: Kedis in-process on an ephemeral loopback port, and Debian's real
 * redis-server 7.0 as a child process (for differential tests), which is skipped with a printed
 * reason when the binary is missing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, type ServerOptions } from "../../src/server/server.ts";
import { Logger, LL_NOTHING } from "../../src/util/log.ts";
import { TestClient } from "./client.ts";

export interface Running {
  port: number;
  client(): Promise<TestClient>;
  stop(): Promise<void>;
}

export interface KedisHandle extends Running {
  server: Server;
}

/** Start Kedis in this process on a free loopback port. Logging is silenced. */
export async function startKedis(opts: ServerOptions = {}): Promise<KedisHandle> {
  const logger = new Logger();
  logger.level = LL_NOTHING;
  // A fresh directory per server, so no test reads or writes another's dump.rdb.
  const dir = mkdtempSync(join(tmpdir(), "kedis-test-"));
  const config = { loglevel: "nothing", save: "", dir, ...(opts.config ?? {}) };
  const server = new Server({ logger, ephemeralPort: true, ...opts, config });
  await server.start();
  const clients: TestClient[] = [];
  return {
    server,
    port: server.port,
    async client() {
      const c = await TestClient.connect(server.port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) if (!c.closed) c.close();
      await server.stop();
      if (config.dir === dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

let redisPath: string | null | undefined;

/** Path of Debian's redis-server, or null (with the reason printed once). */
export function redisServerPath(): string | null {
  if (redisPath !== undefined) return redisPath;
  redisPath = Bun.which("redis-server");
  if (redisPath === null) console.warn("SKIP interop: redis-server not found (apt-get install redis-server redis-tools)");
  return redisPath;
}

/** Find a free loopback port. */
export function freePort(): number {
  const l = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = l.port;
  l.stop(true);
  return p;
}

export interface RedisHandle extends Running {
  dir: string;
}

/** Start a real redis-server (no persistence unless args say so). Null when not installed. */
export async function startRedis(args: string[] = []): Promise<RedisHandle | null> {
  const bin = redisServerPath();
  if (bin === null) return null;
  const dir = mkdtempSync(join(tmpdir(), "kedis-redis-"));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    const proc = Bun.spawn([bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...args], {
      stdout: "ignore",
      stderr: "ignore",
    });
    const clients: TestClient[] = [];
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      try {
        const probe = await TestClient.connect(port);
        const pong = await probe.call("PING");
        probe.close();
        if (pong === "PONG") {
          return {
            port,
            dir,
            async client() {
              const c = await TestClient.connect(port);
              clients.push(c);
              return c;
            },
            async stop() {
              for (const c of clients) if (!c.closed) c.close();
              proc.kill();
              await proc.exited;
              rmSync(dir, { recursive: true, force: true });
            },
          };
        }
      } catch {
        if (proc.exitCode !== null) break;
        await Bun.sleep(20);
      }
    }
    proc.kill();
    await proc.exited;
  }
  throw new Error("could not start redis-server");
}
