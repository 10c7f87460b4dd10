/**
 * Robustness over real sockets: seeded random bytes and mutated valid frames from a few hundred
 * connections, clients that vanish mid-frame or leave a large reply unread, and oversized
 * headers and lines. Afterwards the server must be alive, answer a fresh client correctly, have
 * forgotten every closed connection, and never have replied "internal error".
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect as netConnect } from "node:net";
import { LL_WARNING, Logger } from "../../src/util/log.ts";
import { encodeCommand, frameEnd, latin1Decode, latin1Encode } from "../helpers/resp.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

/** Keeps warnings (protocol errors are verbose; handler crashes are warnings). */
class CaptureLogger extends Logger {
  readonly lines: string[] = [];
  override log(level: number, msg: string): void {
    if (level >= LL_WARNING) this.lines.push(msg);
  }
}

const logger = new CaptureLogger();
let k: KedisHandle;
beforeAll(async () => {
  k = await startKedis({ logger });
});
afterAll(async () => {
  await k.stop();
});

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poll `cond` until true or the deadline passes (the server works on its own event loop). */
async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await Bun.sleep(5);
  }
  return true;
}

interface RawResult {
  bytes: Uint8Array;
  closedByServer: boolean;
}

/**
 * Open a connection, write `chunks`, then (if `end`) close our side; resolve with everything the
 * server sent once the connection is closed, or after `waitMs` for connections left open.
 */
async function rawExchange(chunks: Uint8Array[], opts: { end: boolean; waitMs?: number }): Promise<RawResult> {
  const parts: Uint8Array[] = [];
  let closed = false;
  let resolveClosed!: () => void;
  const closedP = new Promise<void>((r) => (resolveClosed = r));
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port: k.port,
    socket: {
      data(_s, d) {
        parts.push(d.slice());
      },
      close() {
        closed = true;
        resolveClosed();
      },
      error() {
        closed = true;
        resolveClosed();
      },
    },
  });
  for (const ch of chunks) {
    let off = 0;
    while (off < ch.length) {
      const n = sock.write(ch.subarray(off));
      if (n <= 0) await Bun.sleep(1);
      else off += n;
      if (closed) break;
    }
    if (closed) break;
  }
  if (opts.end) {
    sock.end();
    await Promise.race([closedP, Bun.sleep(3000)]);
  } else {
    await Promise.race([closedP, Bun.sleep(opts.waitMs ?? 3000)]);
  }
  const closedByServer = closed;
  if (!closed) sock.terminate();
  let n = 0;
  for (const p of parts) n += p.length;
  const bytes = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, closedByServer };
}

/** True when `b` is a whole number of well-formed RESP frames. */
function wellFormed(b: Uint8Array): boolean {
  let pos = 0;
  try {
    while (pos < b.length) {
      const end = frameEnd(b, pos);
      if (end < 0) return false;
      pos = end;
    }
  } catch {
    return false;
  }
  return true;
}

const SAFE_COMMANDS: string[][] = [
  ["PING"],
  ["PING", "hello"],
  ["ECHO", "some\r\nbytes"],
  ["SET", "fuzz:a", "1"],
  ["GET", "fuzz:a"],
  ["SET", "fuzz:b", "x".repeat(300)],
  ["GET", "fuzz:b"],
  ["SELECT", "1"],
];

function randomBytes(next: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  const alphabet = latin1Encode("*$\r\n0123456789-+: \"'\\xPINGSETECHO");
  for (let i = 0; i < n; i++) b[i] = next() < 0.6 ? alphabet[Math.floor(next() * alphabet.length)]! : Math.floor(next() * 256);
  return b;
}

function mutatedPipeline(next: () => number): Uint8Array {
  const parts: number[] = [];
  const count = 1 + Math.floor(next() * 6);
  for (let i = 0; i < count; i++) {
    const cmd = SAFE_COMMANDS[Math.floor(next() * SAFE_COMMANDS.length)]!;
    parts.push(...(next() < 0.3 ? latin1Encode(cmd.join(" ") + "\r\n") : encodeCommand(cmd)));
  }
  const mutations = 1 + Math.floor(next() * 4);
  for (let m = 0; m < mutations; m++) {
    const at = Math.floor(next() * parts.length);
    const r = next();
    if (r < 0.35) parts[at] = Math.floor(next() * 256); // flip
    else if (r < 0.55) parts.splice(at, 1); // delete
    else if (r < 0.75) parts.splice(at, 0, latin1Encode("*$\r\n-09")[Math.floor(next() * 8)]!); // insert
    else if (r < 0.9) parts.length = at; // truncate
    else parts.splice(at, 0, ...latin1Encode(`$${Math.floor(next() * 1e9)}\r\n`)); // bogus header
  }
  return Uint8Array.from(parts);
}

function split(b: Uint8Array, next: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let pos = 0;
  while (pos < b.length) {
    const n = Math.max(1, Math.floor(next() * (b.length - pos + 1)));
    chunks.push(b.subarray(pos, pos + n));
    pos += n;
  }
  return chunks;
}

async function expectHealthy(): Promise<void> {
  const c = await k.client();
  expect(await c.call("PING")).toBe("PONG");
  expect(await c.call("SET", "health", "v\r\n1")).toBe("OK");
  expect(await c.call("GET", "health")).toBe("v\r\n1");
  expect(await c.call("ECHO", "still here")).toBe("still here");
  c.close();
  await c.waitClosed();
  // Every connection, fuzz ones included, has been forgotten.
  expect(await until(() => k.server.clients.size === 0)).toBe(true);
  expect(logger.lines.filter((l) => !l.startsWith("Closing client that reached") && l !== "Server initialized")).toEqual([]);
}

describe("fuzzing over real sockets", () => {
  test("300 connections of random bytes and mutated frames (seeded) leave the server healthy", async () => {
    const next = rng(0xfacade);
    const inputs: Uint8Array[][] = [];
    for (let i = 0; i < 300; i++) {
      const data = next() < 0.5 ? randomBytes(next, 1 + Math.floor(next() * 2000)) : mutatedPipeline(next);
      inputs.push(split(data, next));
    }
    const quit = encodeCommand(["QUIT"]);
    const results: RawResult[] = [];
    const started = Date.now();
    for (let i = 0; i < inputs.length; i += 25) {
      const batch = inputs.slice(i, i + 25).map((chunks, j) =>
        // Half end with CRLF + QUIT so that most exchanges end by the server's own close; the
        // rest (the server waiting inside a bulk, say) are cut after a short quiet period.
        rawExchange((i + j) % 2 === 0 ? [...chunks, latin1Encode("\r\n"), quit] : chunks, { end: false, waitMs: 150 }),
      );
      results.push(...(await Promise.all(batch)));
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    let replies = 0;
    for (const r of results) {
      const text = latin1Decode(r.bytes);
      expect(text).not.toContain("internal error");
      if (r.closedByServer) {
        // A connection the server closed got whole RESP frames, ending in the reason it closed.
        expect(wellFormed(r.bytes)).toBe(true);
        expect(text.endsWith("+OK\r\n") || /-ERR Protocol error: [^\r\n]*\r\n$/.test(text)).toBe(true);
      }
      if (r.bytes.length > 0) replies++;
    }
    // The corpus really exercised the server: most exchanges got replies, many ended in errors.
    expect(replies).toBeGreaterThan(200);
    expect(results.filter((r) => latin1Decode(r.bytes).includes("Protocol error")).length).toBeGreaterThan(30);
    await expectHealthy();
  });
});

describe("slow and vanished clients", () => {
  test("clients that disconnect mid-frame are cleaned up", async () => {
    const cases = ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc", "*3\r\n$3\r\nSET\r\n", "*2", "PING", `*2\r\n$3\r\nGET\r\n$${64 * 1024}\r\n` + "x".repeat(1000)];
    await Promise.all(cases.map((s) => rawExchange([latin1Encode(s)], { end: true })));
    // Connections that open and vanish without a byte.
    await Promise.all(Array.from({ length: 50 }, () => rawExchange([], { end: true })));
    await expectHealthy();
  });

  test("a client that vanishes with a large reply unread is dropped with its output", async () => {
    const setter = await k.client();
    const big = "z".repeat(4 * 1024 * 1024);
    expect(await setter.call("SET", "bigval", big)).toBe("OK");
    setter.close();
    // A node:net socket that never reads: the server's socket fills and output queues up.
    const sock = netConnect({ host: "127.0.0.1", port: k.port });
    await new Promise<void>((resolve) => sock.once("connect", () => resolve()));
    sock.pause();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) frames.push(encodeCommand(["GET", "bigval"]));
    sock.write(Buffer.concat(frames));
    const queued = await until(() => [...k.server.clients.values()].some((c) => c.queuedBytes > 0));
    expect(queued).toBe(true);
    sock.destroy();
    await expectHealthy();
    const c = await k.client();
    expect(await c.call("GET", "bigval")).toBe(big);
    c.close();
  });

  test("a bulk length header of 600000000 gets 'invalid bulk length' and a close", async () => {
    const r = await rawExchange([latin1Encode("*2\r\n$3\r\nGET\r\n$600000000\r\n")], { end: false });
    expect(latin1Decode(r.bytes)).toBe("-ERR Protocol error: invalid bulk length\r\n");
    expect(r.closedByServer).toBe(true);
  });

  test("a 70 KB inline line gets 'too big inline request' and a close", async () => {
    const r = await rawExchange([latin1Encode("SET k " + "v".repeat(70 * 1024))], { end: false });
    expect(latin1Decode(r.bytes)).toBe("-ERR Protocol error: too big inline request\r\n");
    expect(r.closedByServer).toBe(true);
  });

  test("replies to commands before a protocol error are sent before the error", async () => {
    const r = await rawExchange([latin1Encode("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n")], { end: false });
    expect(latin1Decode(r.bytes)).toBe("+PONG\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
    expect(r.closedByServer).toBe(true);
    await expectHealthy();
  });
});
