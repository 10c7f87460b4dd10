/**
 * RESP request reader: commands fed whole, byte by byte and at seeded random split points;
 * pipelines; inline commands with quotes and escapes; every protocol error text Redis 7.0 sends;
 * proto-max-bulk-len and client-query-buffer-limit; a large bulk arriving in pieces is awaited
 * in storage reserved once.
 */
import { describe, expect, test } from "bun:test";
import { READ_COMMAND, READ_ERROR, READ_NEED_MORE, RespReader, splitArgs, type ReaderLimits } from "../../src/protocol/resp/reader.ts";

const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const MB = 1024 * 1024;

function defaults(): ReaderLimits {
  return { maxBulkLen: 512 * MB, queryBufferLimit: 1024 * MB };
}

/** mulberry32: small seeded PRNG so failures reproduce. */
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

function frame(args: readonly string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

interface Outcome {
  commands: string[][];
  /** Status of the last next() call. */
  last: number;
  error: string;
}

/** Feed chunks in order, reading every complete command after each (like one data event). */
function run(chunks: readonly Uint8Array[], limits = defaults(), setup?: (r: RespReader) => void): Outcome {
  const r = new RespReader(limits);
  setup?.(r);
  const commands: string[][] = [];
  let last: number = READ_NEED_MORE;
  for (const ch of chunks) {
    r.feed(ch);
    for (;;) {
      last = r.next();
      if (last !== READ_COMMAND) break;
      // Views are only valid until the next feed: decode now.
      commands.push(r.argv.map(latin1));
    }
    r.release();
    if (last === READ_ERROR) break;
  }
  return { commands, last, error: r.error };
}

function whole(s: string, limits?: ReaderLimits, setup?: (r: RespReader) => void): Outcome {
  return run([bytes(s)], limits, setup);
}

function byteByByte(s: string): Outcome {
  const b = bytes(s);
  return run(Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1)));
}

function randomSplit(s: string, next: () => number, maxPieces = 12): Outcome {
  const b = bytes(s);
  const cuts = new Set<number>();
  const pieces = 1 + Math.floor(next() * maxPieces);
  for (let i = 0; i < pieces; i++) cuts.add(Math.floor(next() * b.length));
  const sorted = [...cuts].sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const c of sorted) {
    chunks.push(b.subarray(prev, c));
    prev = c;
  }
  chunks.push(b.subarray(prev));
  // Copy each chunk: the socket layer reuses its buffers, so must the test.
  return run(chunks.map((c) => c.slice()));
}

/** Random binary argument, sometimes containing CR/LF/NUL, sometimes empty or large. */
function randomArg(next: () => number): string {
  const kind = next();
  const len = kind < 0.05 ? 0 : kind < 0.1 ? 20000 + Math.floor(next() * 60000) : Math.floor(next() * 64);
  let s = "";
  for (let i = 0; i < len; i++) {
    const r = next();
    s += r < 0.05 ? "\r" : r < 0.1 ? "\n" : r < 0.12 ? "\0" : String.fromCharCode(Math.floor(next() * 256));
  }
  return s;
}

describe("multibulk commands", () => {
  const set = frame(["SET", "key", "hello world"]);

  test("a command fed whole is read with exact arguments", () => {
    const o = whole(set);
    expect(o.commands).toEqual([["SET", "key", "hello world"]]);
    expect(o.last).toBe(READ_NEED_MORE);
  });

  test("a command fed byte by byte is read once, complete", () => {
    const o = byteByByte(set);
    expect(o.commands).toEqual([["SET", "key", "hello world"]]);
  });

  test("binary arguments with CR, LF, NUL and empty strings survive", () => {
    const args = ["SET", "", "a\r\nb\0c\r", "\r\n", "\xff\xfe"];
    expect(whole(frame(args)).commands).toEqual([args]);
    expect(byteByByte(frame(args)).commands).toEqual([args]);
  });

  test("a pipeline of 1000 commands in one chunk is read in order", () => {
    const cmds = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? ["SET", `k${i}`, `v${i}`] : ["GET", `k${i - 1}`]));
    const o = whole(cmds.map(frame).join(""));
    expect(o.commands).toEqual(cmds);
  });

  test("pipelines split at seeded random points read the same commands (300 rounds)", () => {
    const next = rng(0x5eed);
    for (let round = 0; round < 300; round++) {
      const cmds: string[][] = [];
      const n = 1 + Math.floor(next() * 8);
      for (let i = 0; i < n; i++) {
        const argc = 1 + Math.floor(next() * 5);
        cmds.push(Array.from({ length: argc }, () => randomArg(next)));
      }
      const input = cmds.map(frame).join("");
      const o = randomSplit(input, next);
      expect(o.last).toBe(READ_NEED_MORE);
      expect(o.commands.length).toBe(cmds.length);
      expect(o.commands).toEqual(cmds);
    }
  });

  test("every split point of a two-command pipeline (header ending a chunk included)", () => {
    const input = frame(["SET", "k", "x".repeat(40)]) + frame(["GET", "k"]);
    const b = bytes(input);
    for (let cut = 0; cut <= b.length; cut++) {
      for (const cut2 of [cut, Math.min(b.length, cut + 7)]) {
        const o = run([b.slice(0, cut), b.slice(cut, cut2), b.slice(cut2)]);
        expect(o.commands).toEqual([
          ["SET", "k", "x".repeat(40)],
          ["GET", "k"],
        ]);
      }
    }
  });

  test("*0 and negative counts are empty commands and are skipped, as Redis does", () => {
    expect(whole("*0\r\n*-1\r\n*-9223372036854775808\r\n" + frame(["PING"])).commands).toEqual([["PING"]]);
  });

  test("the CRLF after a bulk is not verified (Redis skips two bytes)", () => {
    expect(whole("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n").commands).toEqual([["PING"], ["PING"]]);
  });

  test("the inline flag tells inline commands from multibulk ones", () => {
    const r = new RespReader(defaults());
    r.feed(bytes("PING\r\n" + frame(["PING"])));
    expect(r.next()).toBe(READ_COMMAND);
    expect(r.inline).toBe(true);
    expect(r.next()).toBe(READ_COMMAND);
    expect(r.inline).toBe(false);
    r.release();
  });

  test("pending counts unread bytes of an unfinished command", () => {
    const r = new RespReader(defaults());
    r.feed(bytes("*2\r\n$3\r\nGET\r\n$3\r\nab"));
    expect(r.next()).toBe(READ_NEED_MORE);
    r.release();
    expect(r.pending).toBeGreaterThan(0);
    r.feed(bytes("c\r\n"));
    expect(r.next()).toBe(READ_COMMAND);
    expect(r.argv.map(latin1)).toEqual(["GET", "abc"]);
    r.release();
    expect(r.pending).toBe(0);
  });
});

describe("inline commands", () => {
  const cases: [string, string[][]][] = [
    ["PING\r\n", [["PING"]]],
    ["PING\n", [["PING"]]],
    ["  SET   k \t v  \r\n", [["SET", "k", "v"]]],
    ['ECHO "hello world"\r\n', [["ECHO", "hello world"]]],
    ['ECHO "a\\x41\\n\\r\\t\\b\\a\\\\\\"z"\r\n', [["ECHO", "aA\n\r\t\b\x07\\\"z"]]],
    ['ECHO "\\xzz"\r\n', [["ECHO", "xzz"]]],
    ["ECHO 'it\\'s'\r\n", [["ECHO", "it's"]]],
    ["ECHO 'no \\n escapes'\r\n", [["ECHO", "no \\n escapes"]]],
    ['ECHO ""\r\n', [["ECHO", ""]]],
    ["\r\n\n   \r\nPING\r\n", [["PING"]]],
    ["GET a\r\nGET b\r\n", [["GET", "a"], ["GET", "b"]]],
  ];
  for (const [input, want] of cases) {
    test(`${JSON.stringify(input)} splits like sdssplitargs`, () => {
      expect(whole(input).commands).toEqual(want);
      expect(byteByByte(input).commands).toEqual(want);
    });
  }

  test("splitArgs returns null on unbalanced quotes", () => {
    for (const s of ['"abc', "'abc", '"a"b', "'a'b", '"a\\"']) expect(splitArgs(bytes(s), 0, s.length)).toBeNull();
  });

  test("a line without newline waits for more", () => {
    expect(whole("PING").last).toBe(READ_NEED_MORE);
  });
});

describe("protocol errors carry Redis 7.0's exact texts", () => {
  const cases: [string, string][] = [
    ["*x\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*05\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*-0\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*+1\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*1 \r\n", "ERR Protocol error: invalid multibulk length"],
    ["*3000000000\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*99999999999999999999\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*1\r\n$x\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$04\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$+4\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$600000000\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n+PING\r\n", "ERR Protocol error: expected '$', got '+'"],
    ["*2\r\n$4\r\nECHO\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"],
    ["*1\r\n\r\n", "ERR Protocol error: expected '$', got '\r'"],
    ["*" + "1".repeat(70000), "ERR Protocol error: too big mbulk count string"],
    ["*1\r\n$" + "1".repeat(70000), "ERR Protocol error: too big bulk count string"],
    ["x".repeat(70000), "ERR Protocol error: too big inline request"],
    ['ECHO "a b\r\n', "ERR Protocol error: unbalanced quotes in request"],
    ["ECHO 'a b\r\n", "ERR Protocol error: unbalanced quotes in request"],
    ['ECHO "a"b\r\n', "ERR Protocol error: unbalanced quotes in request"],
  ];
  for (const [input, err] of cases) {
    test(`${JSON.stringify(input.length > 40 ? input.slice(0, 20) + "…" : input)} → ${err}`, () => {
      const o = whole(input);
      expect(o.last).toBe(READ_ERROR);
      expect(o.error).toBe(err);
      expect(o.commands).toEqual([]);
    });
  }

  test("commands before a protocol error in the same chunk are read first", () => {
    const o = whole(frame(["PING"]) + "PING\r\n" + "*1\r\n$x\r\n" + frame(["PING"]));
    expect(o.commands).toEqual([["PING"], ["PING"]]);
    expect(o.error).toBe("ERR Protocol error: invalid bulk length");
  });

  test("the largest valid bulk length (proto-max-bulk-len itself) is accepted and awaited", () => {
    expect(whole("*1\r\n$536870912\r\n").last).toBe(READ_NEED_MORE);
    expect(whole("*2147483647\r\n").last).toBe(READ_NEED_MORE);
  });

  test("a header line shorter than the limit without CRLF waits for more", () => {
    expect(whole("*1\r\n$123").last).toBe(READ_NEED_MORE);
    expect(whole("*12").last).toBe(READ_NEED_MORE);
  });

  test("unauthenticated clients: more than 10 arguments or bulks over 16384 bytes are refused", () => {
    const un = (r: RespReader) => {
      r.unauthenticated = true;
    };
    expect(whole("*11\r\n", undefined, un).error).toBe("ERR Protocol error: unauthenticated multibulk length");
    expect(whole("*1\r\n$16385\r\n", undefined, un).error).toBe("ERR Protocol error: unauthenticated bulk length");
    const ok = whole(frame(["AUTH", "x".repeat(16384)]) + "*10\r\n", undefined, un);
    expect(ok.commands).toEqual([["AUTH", "x".repeat(16384)]]);
    expect(ok.last).toBe(READ_NEED_MORE);
  });
});

describe("limits", () => {
  test("proto-max-bulk-len: longer bulks are invalid, a primary's link is exempt", () => {
    const limits = { maxBulkLen: MB, queryBufferLimit: 1024 * MB };
    expect(whole(`*1\r\n$${MB + 1}\r\n`, limits).error).toBe("ERR Protocol error: invalid bulk length");
    expect(whole(`*1\r\n$${MB}\r\n`, limits).last).toBe(READ_NEED_MORE);
    const primary = whole(`*1\r\n$${MB + 1}\r\n`, limits, (r) => {
      r.fromPrimary = true;
    });
    expect(primary.last).toBe(READ_NEED_MORE);
  });

  test("limits are read live, so CONFIG SET takes effect on open connections", () => {
    const limits = { maxBulkLen: 512 * MB, queryBufferLimit: 1024 * MB };
    const r = new RespReader(limits);
    limits.maxBulkLen = MB;
    r.feed(bytes(`*1\r\n$${MB + 1}\r\n`));
    expect(r.next()).toBe(READ_ERROR);
  });

  test("client-query-buffer-limit: an unfinished command past it closes without a reply text", () => {
    const limits = { maxBulkLen: 512 * MB, queryBufferLimit: MB };
    const header = bytes(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${2 * MB}\r\n`);
    const piece = new Uint8Array(64 * 1024).fill(0x78);
    const chunks = [header, ...Array.from({ length: 20 }, () => piece)];
    const o = run(chunks, limits);
    expect(o.last).toBe(READ_ERROR);
    expect(o.error).toBe("");
  });

  test("complete pipelined commands larger in total than the limit are fine", () => {
    const limits = { maxBulkLen: 512 * MB, queryBufferLimit: MB };
    const cmds = Array.from({ length: 40 }, (_, i) => ["SET", `k${i}`, "v".repeat(64 * 1024)]);
    const o = run([bytes(cmds.map(frame).join(""))], limits);
    expect(o.commands.length).toBe(40);
    expect(o.last).toBe(READ_NEED_MORE);
  });
});

describe("large bulks arriving in pieces", () => {
  test("storage for the whole bulk is reserved once; pieces never regrow or rescan it", () => {
    const size = 4 * MB;
    const r = new RespReader(defaults());
    r.feed(bytes(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${size}\r\n`));
    expect(r.next()).toBe(READ_NEED_MORE);
    r.release();
    const reserved = r.capacity;
    expect(reserved).toBeGreaterThanOrEqual(size + 2);
    const piece = new Uint8Array(16 * 1024);
    let fed = 0;
    let polls = 0;
    while (fed < size) {
      piece.fill(fed % 251);
      const n = Math.min(piece.length, size - fed);
      r.feed(piece.subarray(0, n));
      fed += n;
      expect(r.next()).toBe(READ_NEED_MORE);
      polls++;
      r.release();
      // Same storage all along: no regrowth, no copy of what already arrived.
      expect(r.capacity).toBe(reserved);
    }
    r.feed(bytes("\r\n" + frame(["GET", "big"])));
    expect(r.next()).toBe(READ_COMMAND);
    expect(r.argv.length).toBe(3);
    expect(r.argv[2]!.length).toBe(size);
    expect(r.argv[2]![0]).toBe(0);
    expect(r.argv[2]![size - 1]).toBe((size - 16 * 1024) % 251);
    expect(r.next()).toBe(READ_COMMAND);
    expect(r.argv.map(latin1)).toEqual(["GET", "big"]);
    r.release();
    expect(polls).toBe(size / (16 * 1024));
  });

  test("a 1 MiB value split into 1000 random pieces arrives intact", () => {
    const next = rng(42);
    const value = Array.from({ length: MB }, (_, i) => String.fromCharCode((i * 7) & 255)).join("");
    const o = randomSplit(frame(["SET", "k", value]) + frame(["PING"]), next, 1000);
    expect(o.commands.length).toBe(2);
    expect(o.commands[0]![2] === value).toBe(true);
    expect(o.commands[1]).toEqual(["PING"]);
  });

  test("a large idle buffer is dropped after the command completes", () => {
    const r = new RespReader(defaults());
    r.feed(bytes(`*1\r\n$${4 * MB}\r\n`));
    r.next();
    r.release();
    expect(r.capacity).toBeGreaterThan(4 * MB);
    r.feed(new Uint8Array(4 * MB + 2));
    expect(r.next()).toBe(READ_COMMAND);
    expect(r.next()).toBe(READ_NEED_MORE);
    r.release();
    expect(r.capacity).toBeLessThanOrEqual(MB);
  });
});

