/**
 * Loading an AOF at start-up: the manifest's base (RDB image, or commands, possibly with an RDB
 * preamble) and then each incr file, replayed through the server's command table.
 *
 * Commands between MULTI and EXEC are applied only when the EXEC is read. A short read at the
 * end of the last file (a crash mid-write) is cut off when `aof-load-truncated yes` (the file is
 * truncated to the last complete command, as Redis does); anywhere else, or when the option is
 * off, loading fails with the file name and offset and the server refuses to start.
 */
import { ftruncateSync, openSync, closeSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { ManifestFile } from "./aof.ts";
import type { EncodingLimits } from "./rdb/codecs.ts";
import { loadRdbInto } from "./rdb/load.ts";
import type { Keyspace } from "../store/database.ts";

export class AofLoadError extends Error {}

export interface AofLoadHost {
  ks: Keyspace;
  limits: EncodingLimits;
  now: number;
  checksum: boolean;
  loadTruncated: boolean;
  /** Run one command (argv) against the keyspace, without replies or propagation. */
  execute(argv: Uint8Array[]): void;
  log: { notice(m: string): void; warning(m: string): void };
  /** FUNCTION libraries found in an RDB base or preamble. */
  onFunctions?(codes: Uint8Array[]): void;
}

const dec = new TextDecoder();

/** Parse one `*n $len ...` command at `p`: [argv, next offset], "short" or "bad". */
function parseCommand(b: Uint8Array, p: number): [Uint8Array[], number] | "short" | "bad" {
  const line = (from: number): [number, number] | "short" | "bad" => {
    let i = from;
    while (i < b.length && b[i] !== 13) i++;
    if (i + 1 >= b.length) return "short";
    if (b[i + 1] !== 10) return "bad";
    const s = dec.decode(b.subarray(from, i));
    if (!/^\d+$/.test(s)) return "bad";
    return [Number(s), i + 2];
  };
  if (b[p] !== 0x2a) return "bad";
  const h = line(p + 1);
  if (typeof h === "string") return h;
  const [argc, start] = h;
  if (argc < 1) return "bad";
  let q = start;
  const argv: Uint8Array[] = [];
  for (let i = 0; i < argc; i++) {
    if (q >= b.length) return "short";
    if (b[q] !== 0x24) return "bad";
    const l = line(q + 1);
    if (typeof l === "string") return l;
    const [len, data] = l;
    if (data + len + 2 > b.length) return "short";
    if (b[data + len] !== 13 || b[data + len + 1] !== 10) return "bad";
    argv.push(b.subarray(data, data + len));
    q = data + len + 2;
  }
  return [argv, q];
}

function isCmd(a: Uint8Array | undefined, word: string): boolean {
  if (a === undefined || a.length !== word.length) return false;
  for (let i = 0; i < a.length; i++) if ((a[i]! | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** Replay commands from `b[from..]`. Returns the number of commands applied. */
function replay(path: string, b: Uint8Array, from: number, last: boolean, host: AofLoadHost): number {
  let p = from;
  let applied = 0;
  let multi: Uint8Array[][] | null = null;
  let multiStart = -1;
  while (p < b.length) {
    const r = parseCommand(b, p);
    if (r === "bad") throw new AofLoadError(`Bad file format reading the append only file ${path} at offset ${p}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
    if (r === "short") return truncate(path, p, last, host, applied, multiStart);
    const [argv, next] = r;
    if (isCmd(argv[0], "multi")) {
      multi = [];
      multiStart = p;
    } else if (isCmd(argv[0], "exec")) {
      if (multi === null) throw new AofLoadError(`Bad file format reading the append only file ${path} at offset ${p}: EXEC without MULTI`);
      for (const cmd of multi) host.execute(cmd);
      applied += multi.length;
      multi = null;
      multiStart = -1;
    } else if (multi !== null) multi.push(argv.map((a) => a.slice()));
    else {
      host.execute(argv);
      applied++;
    }
    p = next;
  }
  if (multi !== null) return truncate(path, multiStart, last, host, applied, multiStart);
  return applied;
}

function truncate(path: string, at: number, last: boolean, host: AofLoadHost, applied: number, multiStart: number): number {
  const cut = multiStart >= 0 ? Math.min(at, multiStart) : at;
  if (!last || !host.loadTruncated) {
    throw new AofLoadError(`Unexpected end of file reading the append only file ${path} at offset ${cut}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`);
  }
  host.log.warning(`!!! Warning: short read while loading the AOF file ${path}!!!`);
  if (multiStart >= 0) host.log.warning("Revert incomplete MULTI/EXEC transaction in AOF file");
  host.log.warning(`AOF ${path} loaded anyway because aof-load-truncated is enabled`);
  const fd = openSync(path, "r+");
  ftruncateSync(fd, cut);
  closeSync(fd);
  return applied;
}

/** Load every file of the manifest. */
export function loadAof(dir: string, files: ManifestFile[], host: AofLoadHost): { commands: number; keysFromBase: number } {
  let commands = 0;
  let keysFromBase = 0;
  const live = files.filter((f) => f.type !== "h");
  live.forEach((f, i) => {
    const path = join(dir, f.name);
    if (!existsSync(path)) {
      if (f.type === "b") throw new AofLoadError(`The AOF file ${f.name} doesn't exist`);
      return; // Redis tolerates a missing last incr file (created lazily)
    }
    const b = new Uint8Array(readFileSync(path));
    const last = i === live.length - 1;
    let from = 0;
    if (b.length >= 5 && dec.decode(b.subarray(0, 5)) === "REDIS") {
      const res = loadRdbInto(b, host.ks, host.limits, { checksum: host.checksum, now: host.now });
      if (res.functions.length > 0) host.onFunctions?.(res.functions);
      keysFromBase += res.keys;
      from = res.end;
    }
    commands += replay(path, b, from, last, host);
  });
  return { commands, keysFromBase };
}
