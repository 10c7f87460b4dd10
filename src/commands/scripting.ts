/**
 * Scripting commands (group "scripting"): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FCALL,
 * FCALL_RO, FUNCTION. Argument parsing and replies live here; running scripts is the server's
 * ScriptRunner (src/server/script-runner.ts) over the Lua engine (src/scripting/).
 * Keys are movable: `numkeys` at argv[2], keys right after it.
 */
import { sha1hex } from "../datastructures/sha1.ts";
import { globMatch } from "../datastructures/glob.ts";
import { decodeFunctionsPayload, encodeFunctionsPayload } from "../persistence/rdb/functions.ts";
import { E, fail } from "../protocol/errors.ts";
import { AGG_ARRAY } from "../protocol/resp/writer.ts";
import { SCRIPT_FLAG_NAMES, type FunctionLibrary } from "../scripting/engine.ts";
import { is, latin1, utf8 } from "./args.ts";
import type { CommandContext } from "./context.ts";
import { replyHelp } from "./help.ts";
import { parseInt64 } from "../util/numbers.ts";
import type { CommandFamily, KeyFinder } from "./spec.ts";

/** Keys of EVAL-like commands: argv[3 .. 3+numkeys). */
const numkeysKeys: KeyFinder = (argv) => {
  const n = argv.length > 2 ? parseInt64(argv[2]!) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > argv.length - 3) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(3 + i);
  return out;
};

/** numkeys, checked the way EVAL does. */
function numKeys(c: CommandContext, badText: string = E.NOT_INTEGER): number {
  const n = parseInt64(c.argv[2]!);
  if (Number.isNaN(n)) fail(badText);
  if (n > c.argv.length - 3) fail("ERR Number of keys can't be greater than number of args");
  if (n < 0) fail("ERR Number of keys can't be negative");
  return n;
}

const LOWER = new Uint8Array(40);

/** A SHA argument as the cache's lowercase key ("" when it cannot be one: not 40 bytes). */
function lowerHex(b: Uint8Array): string {
  if (b.length !== 40) return "";
  for (let i = 0; i < 40; i++) {
    const ch = b[i]!;
    LOWER[i] = ch >= 65 && ch <= 90 ? ch | 0x20 : ch;
  }
  return String.fromCharCode.apply(null, LOWER as unknown as number[]);
}

// -------------------------------------------------------------------------------------------------
// EVAL family

function evalGeneric(c: CommandContext, bySha: boolean, readOnly: boolean): void {
  const runner = c.server.scripts;
  const engine = runner.engine;
  const n = numKeys(c);
  let sha: string;
  if (bySha) {
    sha = lowerHex(c.argv[1]!);
    if (!engine.hasScript(sha)) fail("NOSCRIPT No matching script. Please use EVAL.");
  } else {
    const body = c.argv[1]!;
    sha = sha1hex(body);
    if (!engine.hasScript(sha)) {
      const r = engine.loadScript(body, sha);
      if ("error" in r) fail(r.error);
    }
  }
  const err = runner.preflight(c, engine.scriptFlags(sha), readOnly);
  if (err !== null) fail(err);
  const argv = c.argv;
  const run = engine.evalRun(sha, argv.slice(3, 3 + n), argv.slice(3 + n), readOnly);
  runner.execute(c, run);
}

function evalCommand(c: CommandContext): void {
  evalGeneric(c, false, false);
}

function evalshaCommand(c: CommandContext): void {
  evalGeneric(c, true, false);
}

function evalRoCommand(c: CommandContext): void {
  evalGeneric(c, false, true);
}

function evalshaRoCommand(c: CommandContext): void {
  evalGeneric(c, true, true);
}

// -------------------------------------------------------------------------------------------------
// SCRIPT

function scriptLoadCommand(c: CommandContext): void {
  const r = c.server.scripts.engine.loadScript(c.argv[2]!);
  if ("error" in r) fail(r.error);
  c.out.bulk(utf8(r.sha));
}

function scriptExistsCommand(c: CommandContext): void {
  const engine = c.server.scripts.engine;
  const argv = c.argv;
  c.out.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.out.integer(engine.hasScript(lowerHex(argv[i]!)) ? 1 : 0);
}

function scriptFlushCommand(c: CommandContext): void {
  if (c.argv.length > 3 || (c.argv.length === 3 && !is(c.argv[2]!, "sync") && !is(c.argv[2]!, "async"))) fail("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  c.server.scripts.engine.flushScripts();
  c.out.ok();
}

function scriptKillCommand(c: CommandContext): void {
  const err = c.server.scripts.kill(true);
  if (err === null) c.out.ok();
  else c.out.error(err);
}

function scriptDebugCommand(c: CommandContext): void {
  const a = c.argv[2]!;
  if (is(a, "no")) c.out.ok();
  else if (is(a, "yes") || is(a, "sync")) c.out.error("ERR SCRIPT DEBUG is not supported by Kedis");
  else fail("ERR Use SCRIPT DEBUG YES/SYNC/NO");
}

const SCRIPT_HELP = [
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
];

function scriptHelpCommand(c: CommandContext): void {
  replyHelp(c, "SCRIPT", SCRIPT_HELP);
}

// -------------------------------------------------------------------------------------------------
// FCALL

function fcallGeneric(c: CommandContext, readOnly: boolean): void {
  const runner = c.server.scripts;
  const engine = runner.engine;
  const fn = engine.functions.get(latin1(c.argv[1]!).toLowerCase());
  if (fn === undefined) fail("ERR Function not found");
  const n = numKeys(c, "ERR Bad number of keys provided");
  const err = runner.preflight(c, fn.flags, readOnly);
  if (err !== null) fail(err);
  const argv = c.argv;
  runner.execute(c, engine.functionRun(fn, argv.slice(3, 3 + n), argv.slice(3 + n), readOnly));
}

function fcallCommand(c: CommandContext): void {
  fcallGeneric(c, false);
}

function fcallRoCommand(c: CommandContext): void {
  fcallGeneric(c, true);
}

// -------------------------------------------------------------------------------------------------
// FUNCTION

function functionLoadCommand(c: CommandContext): void {
  const argv = c.argv;
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    if (is(argv[i]!, "replace")) replace = true;
    else fail(`ERR Unknown option given: ${latin1(argv[i]!)}`);
  }
  if (i >= argv.length) fail("ERR Function code was not given");
  const engine = c.server.scripts.engine;
  const lib = engine.compileLibrary(argv[i]!);
  if (typeof lib === "string") fail(lib);
  const err = engine.installLibrary(lib, replace);
  if (err !== null) fail(err);
  c.server.dirty++;
  c.out.bulk(utf8(lib.name));
}

function functionDeleteCommand(c: CommandContext): void {
  if (!c.server.scripts.engine.deleteLibrary(latin1(c.argv[2]!))) fail("ERR Library not found");
  c.server.dirty++;
  c.out.ok();
}

function writeLibrary(c: CommandContext, lib: FunctionLibrary, withCode: boolean): void {
  const out = c.out;
  out.mapLen(withCode ? 4 : 3);
  out.bulkString("library_name");
  out.bulk(utf8(lib.name));
  out.bulkString("engine");
  out.bulkString("LUA");
  out.bulkString("functions");
  out.arrayLen(lib.functions.size);
  for (const f of lib.functions.values()) {
    out.mapLen(3);
    out.bulkString("name");
    out.bulk(utf8(f.name));
    out.bulkString("description");
    if (f.description === null) out.nullBulk();
    else out.bulk(utf8(f.description));
    out.bulkString("flags");
    const names = SCRIPT_FLAG_NAMES.filter(([, bit]) => f.flags & bit).map(([n]) => n);
    out.setLen(names.length);
    for (const n of names) out.simple(n);
  }
  if (withCode) {
    out.bulkString("library_code");
    out.bulk(lib.code);
  }
}

function functionListCommand(c: CommandContext): void {
  const argv = c.argv;
  let withCode = false;
  let pattern: Uint8Array | null = null;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (is(a, "withcode")) {
      if (withCode) fail("ERR Unknown argument withcode");
      withCode = true;
    } else if (is(a, "libraryname")) {
      if (pattern !== null) fail("ERR library name can be given once");
      if (i + 1 >= argv.length) fail("ERR library name argument was not given");
      pattern = argv[++i]!;
    } else fail(`ERR Unknown argument ${latin1(a)}`);
  }
  const libs = [...c.server.scripts.engine.libraries.values()].filter((l) => pattern === null || globMatch(pattern, utf8(l.name), true));
  const out = c.out;
  const mark = out.deferLen();
  for (const l of libs) writeLibrary(c, l, withCode);
  out.setDeferredLen(mark, AGG_ARRAY, libs.length);
}

function functionFlushCommand(c: CommandContext): void {
  if (c.argv.length > 3 || (c.argv.length === 3 && !is(c.argv[2]!, "sync") && !is(c.argv[2]!, "async"))) fail("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  c.server.scripts.engine.flushFunctions();
  c.server.dirty++;
  c.out.ok();
}

function functionDumpCommand(c: CommandContext): void {
  c.out.bulk(encodeFunctionsPayload(c.server.scripts.functionPayloads()));
}

function functionRestoreCommand(c: CommandContext): void {
  const argv = c.argv;
  let policy = "append";
  if (argv.length > 4) fail(E.SYNTAX);
  if (argv.length === 4) {
    const p = argv[3]!;
    if (is(p, "flush")) policy = "flush";
    else if (is(p, "append")) policy = "append";
    else if (is(p, "replace")) policy = "replace";
    else fail("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
  }
  const codes = decodeFunctionsPayload(argv[2]!, c.server.config.getBool("rdbchecksum"));
  if (codes === null) fail("ERR DUMP payload version or checksum are wrong");
  if (typeof codes === "string") fail(`ERR ${codes}`);
  const engine = c.server.scripts.engine;
  // Compile everything first: a failure leaves the current libraries untouched.
  const libs: FunctionLibrary[] = [];
  for (const code of codes) {
    const lib = engine.compileLibrary(code);
    if (typeof lib === "string") fail(lib);
    libs.push(lib);
  }
  if (policy === "append") {
    for (const l of libs) if (engine.libraries.has(l.name)) fail(`ERR Library ${l.name} already exists`);
  }
  if (policy !== "flush") {
    for (const l of libs) {
      for (const f of l.functions.values()) {
        const other = engine.functions.get(f.name);
        if (other !== undefined && (policy === "append" || other.library.name !== l.name)) fail(`ERR Function ${f.name} already exists`);
      }
    }
  }
  if (policy === "flush") engine.flushFunctions();
  for (const l of libs) {
    const err = engine.installLibrary(engine.compileLibrary(l.code) as FunctionLibrary, true);
    if (err !== null) fail(err);
  }
  c.server.dirty++;
  c.out.ok();
}

function functionStatsCommand(c: CommandContext): void {
  const runner = c.server.scripts;
  const out = c.out;
  out.mapLen(2);
  out.bulkString("running_script");
  const info = runner.runningInfo();
  if (info === null) out.nullBulk();
  else {
    out.mapLen(3);
    out.bulkString("name");
    out.bulk(utf8(info.name));
    out.bulkString("command");
    out.bulkArray(info.command);
    out.bulkString("duration_ms");
    out.integer(info.durationMs);
  }
  out.bulkString("engines");
  out.mapLen(1);
  out.bulkString("LUA");
  out.mapLen(2);
  out.bulkString("libraries_count");
  out.integer(runner.engine.libraries.size);
  out.bulkString("functions_count");
  out.integer(runner.engine.functions.size);
}

function functionKillCommand(c: CommandContext): void {
  const err = c.server.scripts.kill(false);
  if (err === null) c.out.ok();
  else c.out.error(err);
}

const FUNCTION_HELP = [
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
];

function functionHelpCommand(c: CommandContext): void {
  replyHelp(c, "FUNCTION", FUNCTION_HELP);
}

function containerCommand(): void {
  // Reached only without a subcommand: dispatch reports the arity error first.
}

export const scriptingFamily: CommandFamily = {
  group: "scripting",
  commands: [
    ["eval",       -3, "noscript stale skip_monitor no_mandatory_keys",          [0, 0, 0], evalCommand,      { keyFinder: numkeysKeys }],
    ["evalsha",    -3, "noscript stale skip_monitor no_mandatory_keys",          [0, 0, 0], evalshaCommand,   { keyFinder: numkeysKeys }],
    ["eval_ro",    -3, "readonly noscript stale skip_monitor no_mandatory_keys", [0, 0, 0], evalRoCommand,    { keyFinder: numkeysKeys }],
    ["evalsha_ro", -3, "readonly noscript stale skip_monitor no_mandatory_keys", [0, 0, 0], evalshaRoCommand, { keyFinder: numkeysKeys }],
    ["fcall",      -3, "noscript stale skip_monitor no_mandatory_keys",          [0, 0, 0], fcallCommand,     { keyFinder: numkeysKeys }],
    ["fcall_ro",   -3, "readonly noscript stale skip_monitor no_mandatory_keys", [0, 0, 0], fcallRoCommand,   { keyFinder: numkeysKeys }],
    ["script",     -2, "",                                                        [0, 0, 0], containerCommand, {
      subcommands: [
        ["help",    2, "loading stale",       [0, 0, 0], scriptHelpCommand],
        ["debug",   3, "noscript",            [0, 0, 0], scriptDebugCommand],
        ["flush",  -2, "noscript",            [0, 0, 0], scriptFlushCommand],
        ["load",    3, "noscript stale",      [0, 0, 0], scriptLoadCommand],
        ["kill",    2, "noscript allow_busy", [0, 0, 0], scriptKillCommand],
        ["exists", -3, "noscript",            [0, 0, 0], scriptExistsCommand],
      ],
    }],
    ["function",   -2, "",                                                        [0, 0, 0], containerCommand, {
      subcommands: [
        ["flush",   -2, "write noscript",         [0, 0, 0], functionFlushCommand],
        ["restore", -3, "write denyoom noscript", [0, 0, 0], functionRestoreCommand],
        ["load",    -3, "write denyoom noscript", [0, 0, 0], functionLoadCommand],
        ["help",     2, "loading stale",          [0, 0, 0], functionHelpCommand],
        ["kill",     2, "noscript allow_busy",    [0, 0, 0], functionKillCommand],
        ["list",    -2, "noscript",               [0, 0, 0], functionListCommand],
        ["delete",   3, "write noscript",         [0, 0, 0], functionDeleteCommand],
        ["dump",     2, "noscript",               [0, 0, 0], functionDumpCommand],
        ["stats",    2, "noscript allow_busy",    [0, 0, 0], functionStatsCommand],
      ],
    }],
  ],
};
