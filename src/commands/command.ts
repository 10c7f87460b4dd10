/**
 * COMMAND (group "server"): introspection of the command table, as Redis 7.0 replies it.
 * Everything comes from the spec lines: arity, flags, [first, last, step], ACL categories,
 * tips, key specs (given, or derived from the key triple), subcommands and the optional docs.
 *
 * COMMAND INFO entry: [name, arity, flags, first, last, step, acl categories, tips, key specs,
 * subcommands]. Flags Redis hides (may_replicate, sentinel, only_sentinel, protected) are not
 * listed. COMMAND DOCS gives summary, since, group, complexity and arguments where the table
 * has them (redis-cli builds its help and hints from these).
 */
import { E, fail } from "../protocol/errors.ts";
import type { ReplyWriter } from "../protocol/resp/writer.ts";
import { is, latin1 } from "./args.ts";
import { replyHelp } from "./client.ts";
import type { CommandContext } from "./context.ts";
import { lowerName } from "./registry.ts";
import {
  F_MAY_REPLICATE,
  F_NO_MANDATORY_KEYS,
  F_ONLY_SENTINEL,
  F_PROTECTED,
  F_PUBSUB,
  F_SENTINEL,
  F_WRITE,
  FLAG_NAMES,
  aclCategories,
  commandKeys,
  type CommandFamily,
  type CommandSpec,
  type DocArg,
  type KeySpec,
} from "./spec.ts";

// -------------------------------------------------------------------------------------------------
// Metadata derivation

/** Flags COMMAND INFO never shows (Redis hides them on purpose). */
const HIDDEN_FLAGS = F_MAY_REPLICATE | F_SENTINEL | F_ONLY_SENTINEL | F_PROTECTED;

/** Flag names as COMMAND INFO lists them, in Redis's order. */
export function visibleFlags(spec: CommandSpec): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (spec.flags & bit && !(bit & HIDDEN_FLAGS)) out.push(name);
  return out;
}

/** Key-spec flags implied by the command's own flags (when the table gives no key specs). */
function derivedKeyFlags(spec: CommandSpec): string[] {
  if (spec.flags & F_PUBSUB) return ["not_key"];
  if (spec.flags & F_WRITE) return ["RW", "update"];
  return ["RO", "access"];
}

/**
 * Key specs: the table's, or Redis 7's "index + range" form derived from [first, last, step]
 * (range `lastkey` is relative to the first key, or negative from the end), plus an "unknown"
 * spec for movable keys the triple cannot describe.
 */
export function keySpecsOf(spec: CommandSpec): readonly KeySpec[] {
  if (spec.keySpecs !== null) return spec.keySpecs;
  const out: KeySpec[] = [];
  const flags = derivedKeyFlags(spec);
  if (spec.firstKey > 0) {
    const lastKey = spec.lastKey >= 0 ? spec.lastKey - spec.firstKey : spec.lastKey;
    out.push({ flags, begin: { index: spec.firstKey }, find: { lastKey, keyStep: spec.step, limit: 0 } });
  }
  if (spec.keyFinder !== null) out.push({ flags, begin: "unknown", find: "unknown" });
  return out;
}

function hasKeys(spec: CommandSpec): boolean {
  return spec.keyFinder !== null || spec.firstKey > 0 || keySpecsOf(spec).some((k) => !k.flags.includes("not_key"));
}

// -------------------------------------------------------------------------------------------------
// Reply builders

function writeKeySpec(out: ReplyWriter, ks: KeySpec): void {
  out.mapLen(ks.notes === undefined ? 3 : 4);
  if (ks.notes !== undefined) {
    out.bulkString("notes");
    out.bulkString(ks.notes);
  }
  out.bulkString("flags");
  out.setLen(ks.flags.length);
  for (const f of ks.flags) out.simple(f);
  out.bulkString("begin_search");
  out.mapLen(2);
  out.bulkString("type");
  if (ks.begin === "unknown") {
    out.bulkString("unknown");
    out.bulkString("spec");
    out.mapLen(0);
  } else if ("index" in ks.begin) {
    out.bulkString("index");
    out.bulkString("spec");
    out.mapLen(1);
    out.bulkString("index");
    out.integer(ks.begin.index);
  } else {
    out.bulkString("keyword");
    out.bulkString("spec");
    out.mapLen(2);
    out.bulkString("keyword");
    out.bulkString(ks.begin.keyword);
    out.bulkString("startfrom");
    out.integer(ks.begin.startFrom);
  }
  out.bulkString("find_keys");
  out.mapLen(2);
  out.bulkString("type");
  if (ks.find === "unknown") {
    out.bulkString("unknown");
    out.bulkString("spec");
    out.mapLen(0);
  } else if ("lastKey" in ks.find) {
    out.bulkString("range");
    out.bulkString("spec");
    out.mapLen(3);
    out.bulkString("lastkey");
    out.integer(ks.find.lastKey);
    out.bulkString("keystep");
    out.integer(ks.find.keyStep);
    out.bulkString("limit");
    out.integer(ks.find.limit);
  } else {
    out.bulkString("keynum");
    out.bulkString("spec");
    out.mapLen(3);
    out.bulkString("keynumidx");
    out.integer(ks.find.keyNumIdx);
    out.bulkString("firstkey");
    out.integer(ks.find.firstKey);
    out.bulkString("keystep");
    out.integer(ks.find.keyStep);
  }
}

/** One COMMAND INFO entry (with its subcommands nested). */
function writeInfo(out: ReplyWriter, spec: CommandSpec): void {
  out.arrayLen(10);
  out.bulkString(spec.name);
  out.integer(spec.arity);
  const flags = visibleFlags(spec);
  out.setLen(flags.length);
  for (const f of flags) out.simple(f);
  out.integer(spec.firstKey);
  out.integer(spec.lastKey);
  out.integer(spec.step);
  const cats = aclCategories(spec);
  out.setLen(cats.length);
  for (const cat of cats) out.simple(cat);
  out.setLen(spec.tips.length);
  for (const t of spec.tips) out.bulkString(t);
  const specs = keySpecsOf(spec);
  out.setLen(specs.length);
  for (const ks of specs) writeKeySpec(out, ks);
  if (spec.subcommands === null) {
    out.setLen(0);
  } else {
    out.arrayLen(spec.subcommands.size);
    for (const sub of spec.subcommands.values()) writeInfo(out, sub);
  }
}

function writeDocArg(out: ReplyWriter, a: DocArg): void {
  const flags: string[] = [];
  if (a.optional) flags.push("optional");
  if (a.multiple) flags.push("multiple");
  if (a.multipleToken) flags.push("multiple_token");
  const fields =
    2 +
    (a.display !== undefined ? 1 : 0) +
    (a.type === "key" ? 1 : 0) +
    (a.token !== undefined ? 1 : 0) +
    (a.since !== undefined ? 1 : 0) +
    (flags.length > 0 ? 1 : 0) +
    (a.args !== undefined ? 1 : 0);
  out.mapLen(fields);
  out.bulkString("name");
  out.bulkString(a.name);
  out.bulkString("type");
  out.bulkString(a.type);
  if (a.display !== undefined) {
    out.bulkString("display_text");
    out.bulkString(a.display);
  }
  if (a.type === "key") {
    out.bulkString("key_spec_index");
    out.integer(0);
  }
  if (a.token !== undefined) {
    out.bulkString("token");
    out.bulkString(a.token);
  }
  if (a.since !== undefined) {
    out.bulkString("since");
    out.bulkString(a.since);
  }
  if (flags.length > 0) {
    out.bulkString("flags");
    out.setLen(flags.length);
    for (const f of flags) out.simple(f);
  }
  if (a.args !== undefined) {
    out.bulkString("arguments");
    out.arrayLen(a.args.length);
    for (const sub of a.args) writeDocArg(out, sub);
  }
}

/** One COMMAND DOCS value: summary, since, group, complexity, arguments, subcommands. */
function writeDocs(out: ReplyWriter, spec: CommandSpec): void {
  const doc = spec.doc;
  const args = doc?.args;
  const fields = 3 + (doc?.complexity !== undefined ? 1 : 0) + (args !== undefined && args.length > 0 ? 1 : 0) + (spec.subcommands !== null ? 1 : 0);
  out.mapLen(fields);
  out.bulkString("summary");
  out.bulkString(doc?.summary ?? "");
  out.bulkString("since");
  out.bulkString(doc?.since ?? "");
  out.bulkString("group");
  out.bulkString(spec.group);
  if (doc?.complexity !== undefined) {
    out.bulkString("complexity");
    out.bulkString(doc.complexity);
  }
  if (args !== undefined && args.length > 0) {
    out.bulkString("arguments");
    out.arrayLen(args.length);
    for (const a of args) writeDocArg(out, a);
  }
  if (spec.subcommands !== null) {
    out.bulkString("subcommands");
    out.mapLen(spec.subcommands.size);
    for (const sub of spec.subcommands.values()) {
      out.bulkString(sub.name);
      writeDocs(out, sub);
    }
  }
}

// -------------------------------------------------------------------------------------------------
// Handlers

/** COMMAND: every command's info. */
function commandCommand(c: CommandContext): void {
  const cmds = c.server.registry.commands;
  c.out.arrayLen(cmds.size);
  for (const spec of cmds.values()) writeInfo(c.out, spec);
}

function commandCountCommand(c: CommandContext): void {
  c.out.integer(c.server.registry.commands.size);
}

/** COMMAND INFO [name ...]: null for unknown names; "parent|sub" names a subcommand. */
function commandInfoCommand(c: CommandContext): void {
  if (c.argv.length === 2) return commandCommand(c);
  const out = c.out;
  out.arrayLen(c.argv.length - 2);
  for (let i = 2; i < c.argv.length; i++) {
    const spec = c.server.registry.byName(lowerName(c.argv[i]!));
    if (spec === null) out.nullBulk();
    else writeInfo(out, spec);
  }
}

/** COMMAND DOCS [name ...]: a map from name to docs; unknown names are left out. */
function commandDocsCommand(c: CommandContext): void {
  const out = c.out;
  let specs: CommandSpec[];
  if (c.argv.length === 2) {
    specs = [...c.server.registry.commands.values()];
  } else {
    specs = [];
    for (let i = 2; i < c.argv.length; i++) {
      const spec = c.server.registry.byName(lowerName(c.argv[i]!));
      if (spec !== null) specs.push(spec);
    }
  }
  out.mapLen(specs.length);
  for (const spec of specs) {
    out.bulkString(spec.name);
    writeDocs(out, spec);
  }
}

/** Resolve the command line given to GETKEYS (subcommand included), or reply the error. */
function getKeysTarget(c: CommandContext): { spec: CommandSpec; argv: Uint8Array[] } {
  const argv = c.argv.slice(2);
  let spec = c.server.registry.lookup(argv[0]!);
  if (spec !== null && spec.subcommands !== null && argv.length >= 2) {
    spec = spec.subcommands.get(lowerName(argv[1]!)) ?? null;
  }
  if (spec === null) fail("ERR Invalid command specified");
  if (!hasKeys(spec)) fail("ERR The command has no key arguments");
  if ((spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
    fail("ERR Invalid number of arguments specified for command");
  }
  return { spec, argv };
}

function keysOrFail(spec: CommandSpec, argv: Uint8Array[]): number[] {
  const keys = commandKeys(spec, argv);
  if (keys.length === 0 && !(spec.flags & F_NO_MANDATORY_KEYS)) fail("ERR Invalid arguments specified for command");
  return keys;
}

function commandGetkeysCommand(c: CommandContext): void {
  const { spec, argv } = getKeysTarget(c);
  const keys = keysOrFail(spec, argv);
  c.out.arrayLen(keys.length);
  for (const k of keys) c.out.bulk(argv[k]!);
}

function commandGetkeysandflagsCommand(c: CommandContext): void {
  const { spec, argv } = getKeysTarget(c);
  const keys = keysOrFail(spec, argv);
  const flags = keySpecsOf(spec)[0]?.flags ?? derivedKeyFlags(spec);
  const out = c.out;
  out.arrayLen(keys.length);
  for (const k of keys) {
    out.arrayLen(2);
    out.bulk(argv[k]!);
    out.setLen(flags.length);
    for (const f of flags) out.simple(f);
  }
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
function commandListCommand(c: CommandContext): void {
  const argv = c.argv;
  let keep: (spec: CommandSpec) => boolean;
  if (argv.length === 2) {
    keep = () => true;
  } else if (argv.length === 5 && is(argv[2]!, "filterby")) {
    const what = argv[3]!;
    const arg = latin1(argv[4]!);
    if (is(what, "module")) {
      keep = () => false; // no modules
    } else if (is(what, "aclcat")) {
      const cat = "@" + arg.toLowerCase();
      keep = (s) => aclCategories(s).includes(cat);
    } else if (is(what, "pattern")) {
      keep = (s) => globMatchNoCase(arg, s.name);
    } else {
      fail(E.SYNTAX);
    }
  } else {
    fail(E.SYNTAX);
  }
  const names: string[] = [];
  for (const spec of c.server.registry.commands.values()) {
    if (keep(spec)) names.push(spec.name);
    if (spec.subcommands !== null) for (const sub of spec.subcommands.values()) if (keep(sub)) names.push(sub.name);
  }
  c.out.arrayLen(names.length);
  for (const n of names) c.out.bulkString(n);
}

const COMMAND_HELP = [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
  "HELP",
  "    Prints this help.",
];

function commandHelpCommand(c: CommandContext): void {
  replyHelp(c, COMMAND_HELP);
}

// -------------------------------------------------------------------------------------------------

/**
 * Case-insensitive glob (`*`, `?`, `[...]` with ranges and `^`, `\` escapes) over short ASCII
 * names. Star backtracking keeps only the last star, so it runs in O(pattern × name).
 */
function globMatchNoCase(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length && p[pi] === "*") {
      while (pi < p.length && p[pi] === "*") pi++;
      if (pi === p.length) return true;
      starP = pi;
      starS = si;
      continue;
    }
    const step = pi < p.length ? matchOne(p, pi, s[si]!) : -1;
    if (step > 0) {
      pi += step;
      si++;
      continue;
    }
    if (starP < 0) return false;
    pi = starP;
    si = ++starS;
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

/** Match one pattern element at `pi` against `ch`: its length when it matches, else -1. */
function matchOne(p: string, pi: number, ch: string): number {
  const t = p[pi]!;
  if (t === "?") return 1;
  if (t === "\\" && pi + 1 < p.length) return p[pi + 1] === ch ? 2 : -1;
  if (t !== "[") return t === ch ? 1 : -1;
  let i = pi + 1;
  const not = p[i] === "^";
  if (not) i++;
  let hit = false;
  while (i < p.length && p[i] !== "]") {
    if (p[i] === "\\" && i + 1 < p.length) {
      if (p[i + 1] === ch) hit = true;
      i += 2;
    } else if (i + 2 < p.length && p[i + 1] === "-" && p[i + 2] !== "]") {
      let lo = p[i]!;
      let hi = p[i + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) hit = true;
      i += 3;
    } else {
      if (p[i] === ch) hit = true;
      i++;
    }
  }
  // An unterminated class matches like Redis: up to the end of the pattern.
  const len = (i < p.length ? i + 1 : i) - pi;
  return hit !== not ? len : -1;
}

const ST = "loading stale";
const NDO = "nondeterministic_output_order";
const CON = "@connection";

export const commandFamily: CommandFamily = {
  group: "server",
  commands: [
    ["command", -1, ST, [0, 0, 0], commandCommand, { acl: CON, tips: NDO, doc: { summary: "Describe every command.", since: "2.8.13", complexity: "O(commands)" }, subcommands: [
      ["count",            2, ST, [0, 0, 0], commandCountCommand,           { acl: CON, doc: { summary: "Count the commands.", since: "2.8.13", complexity: "O(1)" } }],
      ["docs",            -2, ST, [0, 0, 0], commandDocsCommand,            { acl: CON, tips: NDO, doc: { summary: "Documentation of some or all commands.", since: "7.0.0", complexity: "O(names given)", args: [{ name: "command-name", type: "string", optional: true, multiple: true }] } }],
      ["getkeys",         -4, ST, [0, 0, 0], commandGetkeysCommand,         { acl: CON, doc: { summary: "Find the keys in a command line.", since: "2.8.13", complexity: "O(arguments)", args: [{ name: "command", type: "string" }, { name: "arg", type: "string", optional: true, multiple: true }] } }],
      ["getkeysandflags", -4, ST, [0, 0, 0], commandGetkeysandflagsCommand, { acl: CON, doc: { summary: "Find the keys in a command line, with their access flags.", since: "7.0.0", complexity: "O(arguments)", args: [{ name: "command", type: "string" }, { name: "arg", type: "string", optional: true, multiple: true }] } }],
      ["help",             2, ST, [0, 0, 0], commandHelpCommand,            { acl: CON, doc: { summary: "Show the subcommands and what they do.", since: "5.0.0", complexity: "O(1)" } }],
      ["info",            -2, ST, [0, 0, 0], commandInfoCommand,            { acl: CON, tips: NDO, doc: { summary: "Describe some or all commands.", since: "2.8.13", complexity: "O(names given)", args: [{ name: "command-name", type: "string", optional: true, multiple: true }] } }],
      ["list",            -2, ST, [0, 0, 0], commandListCommand,            { acl: CON, tips: NDO, doc: { summary: "List command names, optionally filtered.", since: "7.0.0", complexity: "O(commands)", args: [{ name: "filterby", type: "oneof", token: "FILTERBY", optional: true, args: [{ name: "module-name", type: "string", token: "MODULE" }, { name: "category", type: "string", token: "ACLCAT" }, { name: "pattern", type: "pattern", token: "PATTERN" }] }] } }],
    ] }],
  ],
};
