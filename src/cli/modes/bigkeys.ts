/**
 * --bigkeys and --memkeys: SCAN the whole keyspace, measure every key (its element count with
 * STRLEN/LLEN/SCARD/ZCARD/HLEN/XLEN, or MEMORY USAGE for --memkeys), report each new biggest key
 * per type as it is found, then a summary, in redis-cli's layout. -i sleeps that long every 100
 * SCAN calls.
 */
import { quote } from "../format.ts";
import { err, out, sleep } from "../io.ts";
import type { CliOptions } from "../options.ts";
import type { Reply } from "../reply.ts";
import { Session } from "../session.ts";

interface TypeInfo {
  readonly name: string;
  readonly sizeCommand: string;
  readonly unit: string;
  biggest: number;
  biggestKey: string | null;
  count: number;
  total: number;
}

function types(): TypeInfo[] {
  const t = (name: string, sizeCommand: string, unit: string): TypeInfo => ({ name, sizeCommand, unit, biggest: 0, biggestKey: null, count: 0, total: 0 });
  return [t("string", "STRLEN", "bytes"), t("list", "LLEN", "items"), t("set", "SCARD", "members"), t("zset", "ZCARD", "members"), t("hash", "HLEN", "fields"), t("stream", "XLEN", "entries")];
}

const intOf = (r: Reply): number => (r.t === "int" ? Number(r.s) : 0);

export async function bigKeysMode(o: CliOptions): Promise<number> {
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const conn = s.conn!;
  const memory = o.mode === "memkeys";
  const table = types();
  const byName = new Map(table.map((t) => [t.name, t]));
  const unitOf = (t: TypeInfo) => (memory ? "bytes" : t.unit);

  const dbsize = await conn.call(["DBSIZE"]);
  if (dbsize.t === "error") {
    err(`${dbsize.s}\n`);
    return 1;
  }
  const total = intOf(dbsize);
  out(
    "\n# Scanning the entire keyspace to find biggest keys as well as\n" +
      "# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n" +
      "# per 100 SCAN commands (not usually needed).\n\n",
  );
  let sampled = 0;
  let keyBytes = 0;
  let cursor = "0";
  let scans = 0;
  do {
    const args = ["SCAN", cursor];
    if (o.pattern !== "*") args.push("MATCH", o.pattern);
    if (o.count !== null) args.push("COUNT", String(o.count));
    const r = await conn.call(args);
    if (r.t !== "array" || r.items.length !== 2) {
      err(`${r.t === "error" ? r.s : "Unexpected SCAN reply"}\n`);
      return 1;
    }
    const c = r.items[0]!;
    cursor = "s" in c ? c.s : "0";
    const keysReply = r.items[1]!;
    const keys = keysReply.t === "array" ? keysReply.items.map((k) => ("s" in k ? k.s : "")) : [];
    // Pipeline the TYPE lookups, then the size lookups, as one round trip each.
    for (const k of keys) conn.send(["TYPE", k]);
    const kinds: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const t = await conn.read();
      kinds.push("s" in t ? t.s : "none");
    }
    for (let i = 0; i < keys.length; i++) {
      const t = byName.get(kinds[i]!);
      if (t === undefined) continue;
      if (memory) conn.send(o.memkeysSamples > 0 ? ["MEMORY", "USAGE", keys[i]!, "SAMPLES", String(o.memkeysSamples)] : ["MEMORY", "USAGE", keys[i]!]);
      else conn.send([t.sizeCommand, keys[i]!]);
    }
    for (let i = 0; i < keys.length; i++) {
      const t = byName.get(kinds[i]!);
      if (t === undefined) continue;
      const size = intOf(await conn.read());
      const key = keys[i]!;
      sampled++;
      keyBytes += key.length;
      t.count++;
      t.total += size;
      if (t.biggestKey === null || size > t.biggest) {
        const pct = total > 0 ? (100 * sampled) / total : 0;
        out(`[${pct.toFixed(2).padStart(5, "0")}%] Biggest ${t.name.padEnd(6)} found so far '${quote(key)}' with ${size} ${unitOf(t)}\n`);
        t.biggest = size;
        t.biggestKey = key;
      }
    }
    scans++;
    if (o.intervalMs > 0 && scans % 100 === 0) await sleep(o.intervalMs);
  } while (cursor !== "0");

  out("\n-------- summary -------\n\n");
  out(`Sampled ${sampled} keys in the keyspace!\n`);
  out(`Total key length in bytes is ${keyBytes} (avg len ${(sampled > 0 ? keyBytes / sampled : 0).toFixed(2)})\n\n`);
  for (const t of table) {
    if (t.biggestKey !== null) out(`Biggest ${t.name.padStart(6)} found '${quote(t.biggestKey)}' has ${t.biggest} ${unitOf(t)}\n`);
  }
  out("\n");
  for (const t of table) {
    const pct = sampled > 0 ? (100 * t.count) / sampled : 0;
    const avg = t.count > 0 ? t.total / t.count : 0;
    out(`${t.count} ${t.name}s with ${t.total} ${unitOf(t)} (${pct.toFixed(2).padStart(5, "0")}% of keys, avg size ${avg.toFixed(2)})\n`);
  }
  s.close();
  return 0;
}
