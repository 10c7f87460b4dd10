/**
 * Protocol-level differential test: the same raw (often malformed) bytes go to Kedis and to real
 * redis-server 7.0 over raw sockets; the reply bytes and whether the server closed the
 * connection must be identical. Skipped, with the reason printed, when redis-server is missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { encodeCommand, latin1Decode, latin1Encode } from "../helpers/resp.ts";
import { redisServerPath, startKedis, startRedis, type KedisHandle, type RedisHandle } from "../helpers/servers.ts";

const haveRedis = redisServerPath() !== null;
if (!haveRedis) console.warn("SKIP test/interop/protocol.diff.test.ts: redis-server not installed");

interface Outcome {
  reply: string;
  closed: boolean;
}

/**
 * Send `chunks` (with a pause between them, so each arrives as its own read), then, when `quit`
 * is set, a QUIT frame: a server that is still reading answers it and closes, so every exchange
 * ends with a close and needs no timeout. Exchanges without QUIT must close by themselves
 * (protocol errors) or are cut after `waitMs`.
 */
async function exchange(port: number, chunks: (string | Uint8Array)[], quit: boolean, waitMs = 1500): Promise<Outcome> {
  let reply = "";
  let closed = false;
  let onClose!: () => void;
  const closedP = new Promise<void>((r) => (onClose = r));
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, d) {
        reply += latin1Decode(d);
      },
      close() {
        closed = true;
        onClose();
      },
      error() {
        closed = true;
        onClose();
      },
    },
  });
  const all = quit ? [...chunks, encodeCommand(["QUIT"])] : chunks;
  for (const ch of all) {
    const b = typeof ch === "string" ? latin1Encode(ch) : ch;
    let off = 0;
    while (off < b.length && !closed) {
      const n = sock.write(b.subarray(off));
      if (n > 0) off += n;
      else await Bun.sleep(1);
    }
    await Bun.sleep(20);
  }
  await Promise.race([closedP, Bun.sleep(waitMs)]);
  if (!closed) sock.terminate();
  return { reply, closed };
}

/** [name, chunks, append QUIT] */
const CASES: [string, string[], boolean][] = [
  ["invalid multibulk length (x)", ["*x\r\n"], false],
  ["invalid multibulk length (empty)", ["*\r\n"], false],
  ["invalid multibulk length (leading zero)", ["*05\r\n"], false],
  ["invalid multibulk length (-0)", ["*-0\r\n"], false],
  ["invalid multibulk length (+1)", ["*+1\r\n"], false],
  ["invalid multibulk length (> INT_MAX)", ["*3000000000\r\n"], false],
  ["negative multibulk counts are skipped", ["*-5\r\n*-9223372036854775808\r\n*0\r\nPING\r\n"], true],
  ["invalid bulk length (x)", ["*1\r\n$x\r\n"], false],
  ["invalid bulk length (-1)", ["*1\r\n$-1\r\n"], false],
  ["invalid bulk length (leading zero)", ["*1\r\n$04\r\nPING\r\n"], false],
  ["invalid bulk length (empty)", ["*1\r\n$\r\n"], false],
  ["invalid bulk length (600000000)", ["*2\r\n$3\r\nGET\r\n$600000000\r\n"], false],
  ["invalid bulk length (512 MiB + 1)", ["*1\r\n$536870913\r\n"], false],
  ["expected '$', got '+'", ["*1\r\n+PING\r\n"], false],
  ["expected '$', got ':' after an argument", ["*2\r\n$4\r\nECHO\r\n:1\r\n"], false],
  ["expected '$', got CR", ["*1\r\n\r\n"], false],
  ["too big mbulk count string", ["*" + "1".repeat(70000)], false],
  ["too big bulk count string", ["*1\r\n$" + "1".repeat(70000)], false],
  ["too big inline request", ["SET k " + "v".repeat(70 * 1024)], false],
  ["unbalanced double quotes", ['ECHO "a b\r\n'], false],
  ["unbalanced single quotes", ["ECHO 'a b\r\n"], false],
  ["closing quote followed by a character", ['ECHO "a"b\r\n'], false],
  ["inline escapes", ['ECHO "\\x41\\n\\t\\z\\\\"\r\n', "ECHO 'it\\'s'\r\n", 'ECHO ""\r\n'], true],
  ["empty inline lines are ignored", ["\r\n\n   \r\nPING\r\n"], true],
  ["LF-only inline line", ["PING\n"], true],
  ["CRLF after a bulk is not checked", ["*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"], true],
  ["replies before a protocol error are sent first", ["PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n"], false],
  ["command split at every header boundary", ["*3\r\n", "$3\r\nSET\r\n", "$1\r\nk\r\n", "$5\r\n", "hello\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"], true],
  ["unknown command keeps the connection", ["NOPE a b\r\n", "*2\r\n$4\r\nNOPE\r\n$3\r\nx\r\ny\r\n"], true],
  ["wrong arity keeps the connection", ["*1\r\n$3\r\nGET\r\n"], true],
  ["error text sanitizes CR/LF in echoed arguments", ["*1\r\n$6\r\nA\r\nB\nC\r\n"], true],
];

let kedis: KedisHandle | null = null;
let redis: RedisHandle | null = null;
beforeAll(async () => {
  if (!haveRedis) return;
  redis = await startRedis();
  kedis = await startKedis();
});
afterAll(async () => {
  await kedis?.stop();
  await redis?.stop();
});

async function both(chunks: string[], quit: boolean, kedisPort?: number, redisPort?: number): Promise<[Outcome, Outcome]> {
  return await Promise.all([exchange(kedisPort ?? kedis!.port, chunks, quit), exchange(redisPort ?? redis!.port, chunks, quit)]);
}

describe.skipIf(!haveRedis)("protocol replies and closes match redis-server byte for byte", () => {
  for (const [name, chunks, quit] of CASES) {
    test(name, async () => {
      const [k, r] = await both(chunks, quit);
      expect(k.reply).toBe(r.reply);
      expect(k.closed).toBe(r.closed);
      expect(r.closed).toBe(true); // every case ends in a close (error or QUIT)
    });
  }
});

describe.skipIf(!haveRedis)("limits match redis-server", () => {
  test("client-query-buffer-limit: the client is closed without a reply", async () => {
    const r = await startRedis(["--client-query-buffer-limit", "1mb"]);
    const k = await startKedis({ config: { "client-query-buffer-limit": "1mb" } });
    try {
      const chunks = ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n", "x".repeat(700_000), "x".repeat(700_000)];
      const [ko, ro] = await Promise.all([exchange(k.port, chunks, false), exchange(r!.port, chunks, false)]);
      expect(ro).toEqual({ reply: "", closed: true });
      expect(ko).toEqual(ro);
    } finally {
      await k.stop();
      await r!.stop();
    }
  });

  test("proto-max-bulk-len: a longer bulk is an invalid bulk length", async () => {
    const r = await startRedis(["--proto-max-bulk-len", "1mb"]);
    const k = await startKedis({ config: { "proto-max-bulk-len": "1mb" } });
    try {
      for (const chunks of [["*1\r\n$1048577\r\n"], ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048576\r\n" + "y".repeat(1048576) + "\r\n"]]) {
        const quit = chunks[0]!.length > 100;
        const [ko, ro] = await Promise.all([exchange(k.port, chunks, quit), exchange(r!.port, chunks, quit)]);
        expect(ko).toEqual(ro);
      }
    } finally {
      await k.stop();
      await r!.stop();
    }
  });

  test("unauthenticated clients: multibulk and bulk length limits", async () => {
    // Set the password after start: the start-up probe (PING) must not need AUTH.
    const r = await startRedis();
    const k = await startKedis();
    try {
      const admin = await r!.client();
      expect(await admin.call("CONFIG", "SET", "requirepass", "secret")).toBe("OK");
      expect(k.server.config.set("requirepass", "secret")).toBeNull();
      const cases: [string[], boolean][] = [
        [["*11\r\n"], false],
        [["*2\r\n$4\r\nECHO\r\n$16385\r\n"], false],
        [["*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n"], true],
      ];
      for (const [chunks, quit] of cases) {
        const [ko, ro] = await Promise.all([exchange(k.port, chunks, quit), exchange(r!.port, chunks, quit)]);
        expect(ko).toEqual(ro);
      }
    } finally {
      await k.stop();
      await r!.stop();
    }
  });
});
