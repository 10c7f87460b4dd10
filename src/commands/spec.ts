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
  /** Redis 7 key specs when the table gives them; otherwise COMMAND derives them. */
  readonly keySpecs: readonly KeySpec[] | null;
  /** Command tips (`nondeterministic_output`, `request_policy:all_shards`, ...). */
  readonly tips: readonly string[];
  /** COMMAND DOCS data, when the table gives it. */
  readonly doc: CommandDoc | null;
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
  /** Space-separated command tips, as COMMAND INFO lists them. */
  tips?: string;
  /** Explicit key specs (movable-key commands); derived from [first, last, step] otherwise. */
  keySpecs?: readonly KeySpec[];
  /** COMMAND DOCS data (summary, since, complexity, arguments). */
  doc?: CommandDoc;
}

/**
 * A Redis 7 key spec. `begin` finds the first key (an argument index, or the argument after a
 * keyword searched from `startFrom`); `find` says how many keys follow (a range, or a count
 * read from an argument). `flags` are Redis's key-spec flags (RO, RW, OW, RM, access, update,
 * insert, delete, not_key, incomplete, variable_flags).
 */
export interface KeySpec {
  flags: readonly string[];
  notes?: string;
  begin: { index: number } | { keyword: string; startFrom: number } | "unknown";
  find: { lastKey: number; keyStep: number; limit: number } | { keyNumIdx: number; firstKey: number; keyStep: number } | "unknown";
}

/** One argument in COMMAND DOCS (Redis's argument model, which redis-cli turns into hints). */
export interface DocArg {
  name: string;
  type: "string" | "integer" | "double" | "key" | "pattern" | "unix-time" | "pure-token" | "oneof" | "block";
  token?: string;
  since?: string;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  /** Shown instead of the name (e.g. "ip:port"). */
  display?: string;
  /** Nested arguments of a `oneof` or `block`. */
  args?: readonly DocArg[];
}

/** COMMAND DOCS data for one command. */
export interface CommandDoc {
  summary: string;
  since: string;
  complexity?: string;
  args?: readonly DocArg[];
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
    keySpecs: opts?.keySpecs ?? null,
    tips: opts?.tips === undefined ? [] : opts.tips.split(/\s+/).filter((s) => s !== ""),
    doc: opts?.doc ?? null,
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

/** Redis's ACL categories in its own table order, which is the order COMMAND INFO prints. */
export const ACL_CATEGORIES: readonly string[] = [
  "@keyspace", "@read", "@write", "@set", "@sortedset", "@list", "@hash", "@string", "@bitmap",
  "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow", "@blocking",
  "@dangerous", "@connection", "@transaction", "@scripting",
];

/**
 * ACL categories as Redis derives them: from flags, the group, and explicit extras, in Redis's
 * category order. A container (CLIENT, CONFIG...) only gets what its flags imply, as in Redis.
 */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = rawAclCategories(spec);
  const rank = (c: string) => {
    const i = ACL_CATEGORIES.indexOf(c);
    return i < 0 ? ACL_CATEGORIES.length : i;
  };
  return cats.sort((a, b) => rank(a) - rank(b));
}

function rawAclCategories(spec: CommandSpec): string[] {
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
  // Container commands (SCRIPT, FUNCTION, CLIENT...) carry no group category in Redis.
  const g = spec.subcommands === null ? byGroup[spec.group] : undefined;
  if (g !== undefined && !out.includes(g)) out.push(g);
  // Explicit extras; "-@cat" removes a derived category (Redis's PUBSUB HELP is @slow only).
  for (const a of spec.acl) {
    if (a.startsWith("-")) {
      const i = out.indexOf(a.slice(1));
      if (i >= 0) out.splice(i, 1);
    } else if (!out.includes(a)) out.push(a);
  }
  return out;
}
