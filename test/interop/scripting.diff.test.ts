/**
 * Scripting vs real redis-server 7.0, byte for byte: the language and library corpora, scripts
 * real applications send (rate limiter, locks, queue scripts in the style of BullMQ and
 * Sidekiq), SCRIPT and FUNCTION replies, error texts. Scripts that need commands this build does
 * not have yet are skipped with a printed reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import libsCorpus from "../fixtures/lua/libs.redis.json";
import numbersCorpus from "../fixtures/lua/numbers.redis.json";
import { Differ } from "../helpers/diff.ts";
import type { Reply } from "../helpers/resp.ts";
import { Registry } from "../../src/commands/registry.ts";
import { scriptingFamily } from "../../src/commands/scripting.ts";
import { FLAG_NAMES, aclCategories, type CommandSpec } from "../../src/commands/spec.ts";

/** Replies that differ by design (docs/compatibility.md: hash-part key order). */
const KNOWN_DIFFERENT = new Set(["return cjson.encode({a=cjson.null, b=false, c=true})"]);

let d: Differ | null = null;

beforeAll(async () => {
  d = await Differ.start();
  if (d === null) console.warn("SKIP scripting interop: redis-server not found");
});

afterAll(async () => {
  await d?.stop();
});

beforeEach(async () => {
  if (d === null) return;
  await d.reset();
  await d.both("SCRIPT", "FLUSH");
  await d.both("FUNCTION", "FLUSH");
});

const enc = (s: string) => new TextEncoder().encode(s);

/** Commands missing from this build among `names`; prints a skip reason when any is. */
function missing(what: string, names: string[]): boolean {
  const lack = names.filter((n) => d!.kedis.server.registry.byName(n) === null);
  if (lack.length > 0) console.warn(`SKIP ${what}: needs ${lack.join(", ")} (not in this build yet)`);
  return lack.length > 0;
}

describe("scripting vs real Redis", () => {
  test("language corpus: numbers and libraries", async () => {
    if (d === null) return;
    const cmds = [...(numbersCorpus as [string, string][]), ...(libsCorpus as [string, string][])]
      .filter(([src]) => !KNOWN_DIFFERENT.has(src))
      .map(([src]) => ["EVAL", enc(src), 0]);
    expect(await d.run(...cmds)).toEqual([]);
  });

  test("KEYS/ARGV, caching, EVALSHA and SCRIPT subcommands", async () => {
    if (d === null) return;
    const body = "return {KEYS[1], ARGV[1], #KEYS, #ARGV}";
    const sha = new Bun.CryptoHasher("sha1").update(body).digest("hex");
    expect(
      await d.run(
        ["EVALSHA", sha, 0],
        ["EVAL", body, 2, "k1", "k2", "a1"],
        ["EVALSHA", sha, 1, "x"],
        ["EVALSHA", sha.toUpperCase(), 0],
        ["EVALSHA_RO", sha, 0],
        ["SCRIPT", "EXISTS", sha, sha.toUpperCase(), "0000"],
        ["SCRIPT", "LOAD", "return redis.call('get', KEYS[1])"],
        ["SCRIPT", "LOAD", "return ("],
        ["SCRIPT", "FLUSH", "SYNC"],
        ["SCRIPT", "EXISTS", sha],
        ["SCRIPT", "FLUSH", "x"],
        ["SCRIPT", "KILL"],
        ["SCRIPT", "HELP"],
        ["SCRIPT", "DEBUG", "NO"],
        ["SCRIPT", "DEBUG", "maybe"],
        ["SCRIPT", "BOGUS"],
        ["SCRIPT"],
        ["EVAL", "return 1"],
        ["EVAL", "return 1", 2, "a"],
        ["EVAL", "return 1", -5],
        ["EVAL", "return 1", "x"],
        ["EVALSHA", "nope", 0],
      ),
    ).toEqual([]);
  });

  test("errors from redis.call and the per-call checks", async () => {
    if (d === null) return;
    expect(
      await d.run(
        ["SET", "str", "x"],
        ["EVAL", "return redis.call('expire', 'str', 'abc')", 0],
        ["EVAL", "return redis.pcall('expire', 'str', 'abc')", 0],
        ["EVAL", "return redis.call('nosuch', 'a')", 0],
        ["EVAL", "return redis.call('get')", 0],
        ["EVAL", "return redis.call('object')", 0],
        ["EVAL", "return redis.call('object', 'nosuch')", 0],
        ["EVAL", "return redis.call('evalsha', 'x', 0)", 0],
        ["EVAL", "return redis.call('quit')", 0],
        ["EVAL_RO", "return redis.call('del', 'str')", 0],
        ["EVAL", "#!lua flags=no-writes\nreturn redis.call('del', 'str')", 0],
        ["EVAL_RO", "#!lua\nreturn 1", 0],
        ["EVAL", "#!lua flags=no-writes,allow-oom\nreturn redis.call('get', 'str')", 0],
        ["EVAL", "return redis.call('get', 'str', 'extra')", 0],
        ["EVAL", "local ok, e = pcall(redis.call, 'nosuch') return e", 0],
        ["EVAL", "return redis.pcall('del')", 0],
        ["EVAL", "return {redis.call('type', 'str'), redis.call('exists', 'str', 'nope'), redis.call('del', 'nope')}", 0],
        ["EVAL", "return redis.call('ping')", 0],
        ["EVAL", "return redis.call('echo', 1.5)", 0],
        ["EVAL", "redis.call('select', 5) redis.call('set', 'in5', 'v') return redis.call('dbsize')", 0],
        ["DBSIZE"],
        ["SELECT", 5],
        ["GET", "in5"],
        ["SELECT", 0],
      ),
    ).toEqual([]);
  });

  test("lock release: compare-and-delete, extend with PEXPIRE", async () => {
    if (d === null) return;
    const release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    const extend = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    expect(
      await d.run(
        ["SET", "lock:res", "token-1"],
        ["EVAL", extend, 1, "lock:res", "token-2", 30000],
        ["EVAL", extend, 1, "lock:res", "token-1", 30000],
        ["EVAL", "return redis.call('pttl', KEYS[1]) > 0", 1, "lock:res"],
        ["EVAL", release, 1, "lock:res", "token-2"],
        ["EXISTS", "lock:res"],
        ["EVAL", release, 1, "lock:res", "token-1"],
        ["EXISTS", "lock:res"],
        ["EVAL", release, 1, "lock:res", "token-1"],
      ),
    ).toEqual([]);
  });

  test("lock acquire with SET NX PX (Redlock, node-redlock)", async () => {
    if (d === null || missing("SET NX PX lock", ["setnx", "incr"])) return;
    const acquire = "return redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])";
    expect(
      await d.run(
        ["EVAL", acquire, 1, "lk", "a", 10000],
        ["EVAL", acquire, 1, "lk", "b", 10000],
        ["GET", "lk"],
        ["EVAL", "return redis.call('pttl', KEYS[1]) > 9000", 1, "lk"],
      ),
    ).toEqual([]);
  });

  test("fixed-window rate limiter (INCR + EXPIRE)", async () => {
    if (d === null || missing("rate limiter", ["incr"])) return;
    const limiter = [
      "local current = redis.call('incr', KEYS[1])",
      "if current == 1 then redis.call('expire', KEYS[1], ARGV[2]) end",
      "if current > tonumber(ARGV[1]) then return {0, redis.call('ttl', KEYS[1])} end",
      "return {1, tonumber(ARGV[1]) - current}",
    ].join("\n");
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 6; i++) cmds.push(["EVAL", limiter, 1, "rl:user:1", 4, 60]);
    cmds.push(["TTL", "rl:user:1"], ["GET", "rl:user:1"]);
    expect(await d.run(...cmds)).toEqual([]);
  });

  test("sliding-window rate limiter over a sorted set", async () => {
    if (d === null || missing("sliding-window limiter", ["zadd", "zremrangebyscore", "zcard"])) return;
    const sliding = [
      "local now = tonumber(ARGV[1])",
      "redis.call('zremrangebyscore', KEYS[1], 0, now - tonumber(ARGV[2]))",
      "local n = redis.call('zcard', KEYS[1])",
      "if n >= tonumber(ARGV[3]) then return 0 end",
      "redis.call('zadd', KEYS[1], now, ARGV[4])",
      "redis.call('pexpire', KEYS[1], ARGV[2])",
      "return 1",
    ].join("\n");
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 5; i++) cmds.push(["EVAL", sliding, 1, "sw", 1000 + i * 100, 300, 2, `req${i}`]);
    cmds.push(["ZRANGE", "sw", 0, -1, "WITHSCORES"]);
    expect(await d.run(...cmds)).toEqual([]);
  });

  test("BullMQ-like addJob / moveToActive / complete", async () => {
    if (d === null || missing("queue scripts", ["hset", "hgetall", "hincrby", "lpush", "rpoplpush", "lrem", "zadd", "zrangebyscore", "incr", "llen"])) return;
    const addJob = [
      "local jobId = redis.call('incr', KEYS[1] .. ':id')",
      "local jobKey = KEYS[1] .. ':' .. jobId",
      "redis.call('hset', jobKey, 'name', ARGV[1], 'data', ARGV[2], 'timestamp', ARGV[3], 'attemptsMade', 0)",
      "if tonumber(ARGV[4]) > 0 then",
      "  redis.call('zadd', KEYS[1] .. ':delayed', tonumber(ARGV[3]) + tonumber(ARGV[4]), jobId)",
      "else",
      "  redis.call('lpush', KEYS[1] .. ':wait', jobId)",
      "end",
      "return jobId",
    ].join("\n");
    const moveToActive = [
      "local jobId = redis.call('rpoplpush', KEYS[1] .. ':wait', KEYS[1] .. ':active')",
      "if not jobId then return nil end",
      "local jobKey = KEYS[1] .. ':' .. jobId",
      "redis.call('hset', jobKey, 'processedOn', ARGV[1])",
      "redis.call('hincrby', jobKey, 'attemptsMade', 1)",
      "return {jobId, redis.call('hgetall', jobKey)}",
    ].join("\n");
    const complete = [
      "local removed = redis.call('lrem', KEYS[1] .. ':active', -1, ARGV[1])",
      "if removed == 0 then return redis.error_reply('Missing lock for job ' .. ARGV[1] .. '. moveToFinished') end",
      "redis.call('zadd', KEYS[1] .. ':completed', ARGV[2], ARGV[1])",
      "redis.call('hset', KEYS[1] .. ':' .. ARGV[1], 'returnvalue', ARGV[3], 'finishedOn', ARGV[2])",
      "return redis.call('llen', KEYS[1] .. ':wait')",
    ].join("\n");
    expect(
      await d.run(
        ["EVAL", addJob, 1, "bull:q", "email", '{"to":"a@b.c"}', 1000, 0],
        ["EVAL", addJob, 1, "bull:q", "email", '{"to":"d@e.f"}', 1001, 0],
        ["EVAL", addJob, 1, "bull:q", "report", "{}", 1002, 5000],
        ["EVAL", moveToActive, 1, "bull:q", 2000],
        ["EVAL", complete, 1, "bull:q", 1, 3000, '"sent"'],
        ["EVAL", complete, 1, "bull:q", 1, 3000, '"sent"'],
        ["EVAL", moveToActive, 1, "bull:q", 4000],
        ["EVAL", moveToActive, 1, "bull:q", 5000],
        ["ZRANGEBYSCORE", "bull:q:delayed", "-inf", "+inf", "WITHSCORES"],
        ["HGETALL", "bull:q:1"],
      ),
    ).toEqual([]);
  });

  test("Sidekiq-like scheduled-set poller (ZRANGEBYSCORE + ZREM + LPUSH)", async () => {
    if (d === null || missing("scheduled poller", ["zadd", "zrangebyscore", "zrem", "lpush", "lrange"])) return;
    const poll = [
      "local jobs = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)",
      "for _, job in ipairs(jobs) do",
      "  if redis.call('zrem', KEYS[1], job) == 1 then redis.call('lpush', KEYS[2], job) end",
      "end",
      "return #jobs",
    ].join("\n");
    expect(
      await d.run(
        ["ZADD", "schedule", 10, '{"jid":"a"}', 20, '{"jid":"b"}', 30, '{"jid":"c"}'],
        ["EVAL", poll, 2, "schedule", "queue:default", 25],
        ["LRANGE", "queue:default", 0, -1],
        ["EVAL", poll, 2, "schedule", "queue:default", 25],
      ),
    ).toEqual([]);
  });

  test("FUNCTION LOAD / FCALL / LIST / DUMP / RESTORE / DELETE replies", async () => {
    if (d === null) return;
    const lib = [
      "#!lua name=mylib",
      "redis.register_function('echo_keys', function(keys, args) return {keys[1], args[1], #keys, #args} end)",
      "redis.register_function{function_name='ro_get', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='read one key'}",
      "redis.register_function('setter', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
    ].join("\n");
    expect(
      await d.run(
        ["FUNCTION", "LOAD", lib],
        ["FUNCTION", "LOAD", lib],
        ["FUNCTION", "LOAD", "REPLACE", lib],
        ["FCALL", "echo_keys", 1, "k", "a"],
        ["FCALL", "ECHO_KEYS", 0],
        ["FCALL", "setter", 1, "k", "v"],
        ["FCALL_RO", "ro_get", 1, "k"],
        ["FCALL_RO", "setter", 1, "k", "v"],
        ["FCALL", "nope", 0],
        ["FCALL", "setter", "x"],
        ["FCALL", "setter", 5, "a"],
        ["FUNCTION", "STATS"],
        // Redis lists a library's functions in its dict's (randomly seeded) order, and compresses
        // long code with LZF: compare listings and dumps on a one-function library.
        ["FUNCTION", "FLUSH"],
        ["FUNCTION", "LOAD", "#!lua name=one\nredis.register_function{function_name='only', callback=function() return 1 end, flags={'no-writes', 'allow-stale'}, description='the one'}"],
        ["FUNCTION", "LIST"],
        ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "o*"],
        ["FUNCTION", "LIST", "LIBRARYNAME", "other"],
        ["FUNCTION", "LIST", "bogus"],
        ["FUNCTION", "DUMP"],
        ["FUNCTION", "LOAD", lib],
        ["FUNCTION", "KILL"],
        ["FUNCTION", "HELP"],
        ["FUNCTION", "LOAD", "return 1"],
        ["FUNCTION", "LOAD", "#!lua name=other\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('setter', function() end)"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('bad name', function() end)"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function{function_name='f', callback=function() end, flags={'bogus'}}"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f')"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function{function_name='f', callback=function() end, other=1}"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f', function() end)\nredis.register_function('f', function() end)"],
        ["FUNCTION", "LOAD", "#!lua name=other bogus=1\nredis.register_function('f', function() end)"],
        ["FUNCTION", "LOAD", "#!lua\nredis.register_function('f', function() end)"],
        ["FUNCTION", "LOAD", "#!js name=x\nfoo"],
        ["FUNCTION", "LOAD", "#!lua name=other\nlocal x = redis.setresp(3) redis.log(redis.LOG_NOTICE, 'loading') redis.register_function('f', function() return redis.REDIS_VERSION end)"],
        ["FCALL", "f", 0],
        ["FUNCTION", "DELETE", "other"],
        ["FUNCTION", "DELETE", "other"],
        ["FUNCTION", "RESTORE", "bad"],
        ["FUNCTION", "FLUSH", "ASYNC"],
        ["FUNCTION", "LIST"],
      ),
    ).toEqual([]);
  });

  test("FUNCTION DUMP payloads restore across servers", async () => {
    if (d === null) return;
    await d.both("FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', function() return 1 end)");
    d.k.send("FUNCTION", "DUMP");
    d.r.send("FUNCTION", "DUMP");
    const [kd, rd] = await Promise.all([d.k.raw(), d.r.raw()]);
    expect(Buffer.from(kd).toString("latin1")).toBe(Buffer.from(rd).toString("latin1"));
    const body = (b: Uint8Array) => b.subarray(b.indexOf(10) + 1, b.length - 2);
    await d.both("FUNCTION", "FLUSH");
    // Each server restores the other's payload.
    d.k.send("FUNCTION", "RESTORE", body(rd));
    d.r.send("FUNCTION", "RESTORE", body(kd));
    const [a, b] = await Promise.all([d.k.raw(), d.r.raw()]);
    expect([Buffer.from(a).toString(), Buffer.from(b).toString()]).toEqual(["+OK\r\n", "+OK\r\n"]);
    expect(await d.run(["FCALL", "f", 0], ["FUNCTION", "RESTORE", body(kd)], ["FUNCTION", "RESTORE", body(kd), "REPLACE"])).toEqual([]);
  });

  test("scripting command table vs COMMAND INFO: arity, flags, key positions, ACL categories", async () => {
    if (d === null) return;
    const reg = new Registry([scriptingFamily]);
    const ours = (spec: CommandSpec) => ({
      name: spec.name,
      arity: spec.arity,
      flags: FLAG_NAMES.filter(([bit]) => spec.flags & bit).map(([, n]) => n).sort(),
      keys: [spec.firstKey, spec.lastKey, spec.step],
      acl: aclCategories(spec).sort(),
    });
    const theirs = (info: Reply[]) => ({
      name: info[0] as string,
      arity: info[1] as number,
      flags: (info[2] as string[]).slice().sort(),
      keys: [info[3] as number, info[4] as number, info[5] as number],
      acl: (info[6] as string[]).slice().sort(),
    });
    for (const spec of reg.commands.values()) {
      const info = ((await d.r.call("COMMAND", "INFO", spec.name)) as Reply[][])[0]!;
      expect(ours(spec)).toEqual(theirs(info));
      const subs = (info[9] as Reply[][]) ?? [];
      expect([...(spec.subcommands?.keys() ?? [])].sort()).toEqual(subs.map((x) => (x[0] as string).split("|")[1]!).sort());
      for (const sub of subs) expect(ours(spec.subcommands!.get((sub[0] as string).split("|")[1]!)!)).toEqual(theirs(sub));
    }
  });
});
