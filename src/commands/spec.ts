/**
 * Command specs: one declarative line per command, from which dispatch, COMMAND INFO/COUNT/LIST/
 * DOCS/GETKEYS and ACL categories are derived. Flags are Redis's own names.
 */
import type { Server } from "../server/server.ts";
import type { CommandContext } from "./context.ts";

export type Handler = (c: CommandContext) => void;

// Flag bits (Redis's CMD_* names). Keep in sync with FLAG_NAMES below.
export const F_WRITE = 1 << 0;
export const F_READONLY = 1 << 1;
export const F_DENYOOM = 1 << 2;
export const F_ADMIN = 1 << 3;
export const F_PUBSUB = 1 << 4;
export const F_NOSCRIPT = 1 << 5;
export const F_BLOCKING = 1 << 6;
export const F_LOADING = 1 << 7;
export const F_STALE = 1 << 8;
export const F_SKIP_MONITOR = 1 << 9;
export const F_SKIP_SLOWLOG = 1 << 10;
export const F_ASKING = 1 << 11;
export const F_FAST = 1 << 12;
export const F_NO_AUTH = 1 << 13;
export const F_MAY_REPLICATE = 1 << 14;
export const F_SENTINEL = 1 << 15;
export const F_ONLY_SENTINEL = 1 << 16;
export const F_NO_MANDATORY_KEYS = 1 << 17;
export const F_PROTECTED = 1 << 18;
export const F_NO_ASYNC_LOADING = 1 << 19;
export const F_NO_MULTI = 1 << 20;
export const F_MOVABLE_KEYS = 1 << 21;
export const F_ALLOW_BUSY = 1 << 22;

/** Flag names in the order Redis 7.0 prints them in COMMAND INFO. */
export const FLAG_NAMES: readonly [number, string][] = [
  [F_WRITE, "write"],
  [F_READONLY, "readonly"],
  [F_DENYOOM, "denyoom"],
  [F_ADMIN, "admin"],
  [F_PUBSUB, "pubsub"],
  [F_NOSCRIPT, "noscript"],
  [F_BLOCKING, "blocking"],
  [F_LOADING, "loading"],
  [F_STALE, "stale"],
  [F_SKIP_MONITOR, "skip_monitor"],
  [F_SKIP_SLOWLOG, "skip_slowlog"],
  [F_ASKING, "asking"],
  [F_FAST, "fast"],
  [F_NO_AUTH, "no_auth"],
  [F_MAY_REPLICATE, "may_replicate"],
  [F_SENTINEL, "sentinel"],
  [F_ONLY_SENTINEL, "only_sentinel"],
  [F_NO_MANDATORY_KEYS, "no_mandatory_keys"],
  [F_PROTECTED, "protected"],
  [F_NO_ASYNC_LOADING, "no_async_loading"],
  [F_NO_MULTI, "no_multi"],
  [F_MOVABLE_KEYS, "movablekeys"],
  [F_ALLOW_BUSY, "allow_busy"],
];

const FLAG_BY_NAME = new Map(FLAG_NAMES.map(([bit, name]) => [name, bit]));

export function parseFlags(s: string): number {
  let f = 0;
  for (const w of s.split(/\s+/)) {
    if (w === "") continue;
    const bit = FLAG_BY_NAME.get(w);
    if (bit === undefined) throw new Error(`unknown command flag '${w}'`);
    f |= bit;
  }
  return f;
}

/**
 * Extracts key positions for commands whose keys are not a fixed [first,last,step] range
 * (movablekeys): returns indexes into argv.
 */
export type KeyFinder = (argv: readonly Uint8Array[]) => number[];

export interface CommandSpec {
  /** Lowercase name; subcommands are "parent|sub". */
  readonly name: string;
  readonly arity: number;
  readonly flags: number;
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  /** Redis's command group ("string", "generic", "server", ...). */
  readonly group: string;
  readonly handler: Handler;
  /** Extra ACL categories beyond those implied by flags and group (e.g. "@keyspace"). */
  readonly acl: readonly string[];
  readonly keyFinder: KeyFinder | null;
  readonly subcommands: Map<string, CommandSpec> | null;
  readonly parent: CommandSpec | null;
  /** Index into the server's stats arrays, assigned by the registry. */
  id: number;
}

/** One table line: [name, arity, flags, [first, last, step], handler, options?]. */
export type SpecLine = readonly [
  name: string,
  arity: number,
  flags: string,
  keys: readonly [number, number, number],
  handler: Handler,
  opts?: SpecOptions,
];

export interface SpecOptions {
  acl?: string;
  keyFinder?: KeyFinder;
  /** Subcommand table (for container commands like CONFIG, OBJECT). */
  subcommands?: readonly SpecLine[];
}

/** A family's table: its Redis group name and its lines. */
export interface CommandFamily {
  readonly group: string;
  readonly commands: readonly SpecLine[];
  /**
   * Called once per Server after construction: wire the family into the server's extension
   * points (policies, queueCommand, notifier, hooks).
   */
  readonly install?: (server: Server) => void;
}

export function buildSpec(group: string, line: SpecLine, parent: CommandSpec | null = null): CommandSpec {
  const [name, arity, flags, keys, handler, opts] = line;
  const full = parent === null ? name : `${parent.name}|${name}`;
  let f = parseFlags(flags);
  if (opts?.keyFinder !== undefined) f |= F_MOVABLE_KEYS;
  const spec: CommandSpec = {
    name: full,
    arity,
    flags: f,
    firstKey: keys[0],
    lastKey: keys[1],
    step: keys[2],
    group,
    handler,
    acl: opts?.acl === undefined ? [] : opts.acl.split(/\s+/).filter((s) => s !== ""),
    keyFinder: opts?.keyFinder ?? null,
    subcommands: null,
    parent,
    id: -1,
  };
  if (opts?.subcommands !== undefined) {
    const subs = new Map<string, CommandSpec>();
    for (const s of opts.subcommands) subs.set(s[0], buildSpec(group, s, spec));
    (spec as { subcommands: Map<string, CommandSpec> | null }).subcommands = subs;
  }
  return spec;
}

/** Key indexes of a command line per its spec (fixed range or keyFinder). */
export function commandKeys(spec: CommandSpec, argv: readonly Uint8Array[]): number[] {
  if (spec.keyFinder !== null) return spec.keyFinder(argv);
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.step) out.push(i);
  return out;
}

/** ACL categories as Redis derives them: from flags, the group, and explicit extras. */
export function aclCategories(spec: CommandSpec): string[] {
  const out: string[] = [];
  const f = spec.flags;
  if (f & F_WRITE) out.push("@write");
  if (f & F_READONLY && spec.group !== "scripting") out.push("@read");
  if (f & F_ADMIN) out.push("@admin", "@dangerous");
  if (f & F_PUBSUB) out.push("@pubsub");
  if (f & F_FAST) out.push("@fast");
  if (f & F_BLOCKING) out.push("@blocking");
  if (!(f & F_FAST)) out.push("@slow");
  const byGroup: Record<string, string> = {
    string: "@string",
    bitmap: "@bitmap",
    list: "@list",
    hash: "@hash",
    set: "@set",
    sorted_set: "@sortedset",
    stream: "@stream",
    hyperloglog: "@hyperloglog",
    geo: "@geo",
    pubsub: "@pubsub",
    transactions: "@transaction",
    scripting: "@scripting",
    connection: "@connection",
  };
  const g = byGroup[spec.group];
  if (g !== undefined && !out.includes(g)) out.push(g);
  for (const a of spec.acl) if (!out.includes(a)) out.push(a);
  return out;
}
