/**
 * The Lua scripting engine: Redis 7.0's Lua environment on fengari (patched to Lua 5.1's
 * number semantics), the EVAL script cache, and resumable script runs.
 *
 * Two Lua states, as in Redis: one for EVAL scripts (globals KEYS/ARGV) and one for FUNCTION
 * libraries. Both have the 5.1 library surface, Redis's `redis` table, cjson, cmsgpack, bit and
 * struct, and a read-only global table whose missing names raise "Script attempted to access
 * nonexistent global variable".
 *
 * Runs are coroutines. A count hook asks the host every HOOK_INSTRUCTIONS VM instructions
 * whether to go on; past the busy threshold the host answers "yield", the run pauses (the
 * coroutine yields from the hook) and the host resumes it from a later macrotask, serving BUSY
 * replies in between. A killed run is simply never resumed again.
 *
 * This module never imports the server: commands reach the dataset through `ScriptHost.call`.
 */
import { lualib } from "fengari";
import { sha1hex } from "../datastructures/sha1.ts";
import type { ReplyWriter } from "../protocol/resp/writer.ts";
import { pushErrorTable, pushReply, writeLuaValue, type Cursor } from "./convert.ts";
import { installCompat } from "./libs/compat.ts";
import { installBit } from "./libs/bit.ts";
import { installStruct } from "./libs/struct.ts";
import { installCjson } from "./libs/cjson.ts";
import { installCmsgpack } from "./libs/cmsgpack.ts";
import { lauxlib, latin1, ls, lua, pushBytes, pushLatin1, setFn, type LuaJsFunction, type LuaState } from "./lua.ts";
import { formatG } from "./printf.ts";

// Script flags (shebang `flags=`), Redis's SCRIPT_FLAG_* spirit.
export const SF_NO_WRITES = 1 << 0;
export const SF_ALLOW_OOM = 1 << 1;
export const SF_ALLOW_STALE = 1 << 2;
export const SF_NO_CLUSTER = 1 << 3;
export const SF_ALLOW_CROSS_SLOT = 1 << 4;
/** A script without a shebang: Redis's pre-7.0 semantics (checks per command, not up front). */
export const SF_EVAL_COMPAT = 1 << 5;

export const SCRIPT_FLAG_NAMES: readonly [string, number][] = [
  ["no-writes", SF_NO_WRITES],
  ["allow-oom", SF_ALLOW_OOM],
  ["allow-stale", SF_ALLOW_STALE],
  ["no-cluster", SF_NO_CLUSTER],
  ["allow-cross-slot-keys", SF_ALLOW_CROSS_SLOT],
];

// redis.set_repl flags.
export const REPL_NONE = 0;
export const REPL_AOF = 1;
export const REPL_REPLICA = 2;
export const REPL_ALL = 3;

// Host answers to the count hook.
export const TICK_CONTINUE = 0;
export const TICK_YIELD = 1;

/** VM instructions between two count-hook calls. */
export const HOOK_INSTRUCTIONS = 10000;

// Run outcomes.
export const RUN_DONE = 0;
export const RUN_ERROR = 1;
export const RUN_PAUSED = 2;

/** What the engine needs from the server. */
export interface ScriptHost {
  /**
   * Run one command for a script, with every per-call check (unknown command, arity, noscript,
   * read-only script, OOM, ...). Returns the reply bytes (RESP, encoded per `run.resp`), valid
   * until the next call, or a refusal as an error text `CODE message`.
   */
  call(run: ScriptRun, argv: Uint8Array[]): Uint8Array | string;
  /** Count-hook tick: TICK_CONTINUE, or TICK_YIELD to pause the run (past the busy threshold). */
  tick(run: ScriptRun): number;
  /** redis.log at a Redis log level (0 debug .. 3 warning). */
  log(level: number, message: string): void;
  /** redis.acl_check_cmd: whether the command exists and the user may run it; null if unknown. */
  aclCheck(run: ScriptRun, argv: Uint8Array[]): boolean | null;
  /** The compatibility version (redis.REDIS_VERSION). */
  readonly redisVersion: string;
}

/** One execution of a script or function. */
export interface ScriptRun {
  readonly kind: "eval" | "function";
  /** The script's SHA (EVAL) or the function's name (FCALL), as error messages name it. */
  readonly name: string;
  readonly flags: number;
  /** EVAL_RO / EVALSHA_RO / FCALL_RO. */
  readonly readOnly: boolean;
  /** Protocol of the script's own calls (redis.setresp). */
  resp: number;
  /** redis.set_repl targets. */
  repl: number;
  /** The coroutine running it. */
  thread: LuaState | null;
  /** Error text after RUN_ERROR. */
  error: string | null;
  /** `@source:line` where the run last paused. */
  pausedAt: string | null;
}

/** A compiled EVAL script. */
interface CachedScript {
  ref: number;
  flags: number;
  body: Uint8Array;
}

/** A function registered by a library. */
export interface LuaFunction {
  readonly name: string;
  readonly ref: number;
  readonly flags: number;
  readonly description: string | null;
  readonly library: FunctionLibrary;
}

/** A library loaded with FUNCTION LOAD. */
export interface FunctionLibrary {
  readonly name: string;
  readonly code: Uint8Array;
  readonly functions: Map<string, LuaFunction>;
}

/** Parsed shebang of a script or library. */
export interface Shebang {
  /** Offset where the body after the shebang line starts (0 when there is none). */
  length: number;
  flags: number;
  name: string | null;
}

const dec = new TextDecoder();

/**
 * Parse `#!lua [flags=a,b] [name=x]` on the first line. Returns an error text for a bad one.
 * `allowName` is true for libraries (FUNCTION LOAD), where `name=` is required elsewhere.
 */
export function parseShebang(body: Uint8Array, allowName: boolean): Shebang | string {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return { length: 0, flags: SF_EVAL_COMPAT, name: null };
  const nl = body.indexOf(10);
  if (nl < 0) return allowName ? "ERR Invalid metadata value given: missing new line" : "ERR Invalid script shebang";
  const line = dec.decode(body.subarray(0, nl));
  const parts = line.split(" ").filter((p) => p !== "");
  if (parts[0] !== "#!lua") return allowName ? `ERR Engine '${parts[0]!.slice(2)}' not found` : `ERR Unexpected engine in script shebang: ${parts[0]}`;
  let flags = 0;
  let name: string | null = null;
  for (const p of parts.slice(1)) {
    if (allowName) {
      if (!p.startsWith("name=")) return `ERR Invalid metadata value given: ${p}`;
      if (name !== null) return "ERR Invalid metadata value, name argument was given multiple times";
      name = p.slice(5);
      continue;
    }
    if (p.startsWith("flags=")) {
      const list = p.slice(6);
      for (const f of list.split(",")) {
        if (f === "") continue;
        const bit = SCRIPT_FLAG_NAMES.find(([n]) => n === f);
        if (bit === undefined) return `ERR Unexpected flag in script shebang: ${f}`;
        flags |= bit[1];
      }
    } else return `ERR Unknown lua shebang option: ${p}`;
  }
  return { length: nl + 1, flags, name };
}

/** The body handed to the Lua compiler: the shebang line commented out (line numbers kept). */
function compilable(body: Uint8Array, shebangLength: number): Uint8Array {
  if (shebangLength === 0) return body;
  const out = new Uint8Array(body.length + 2);
  out[0] = 0x2d;
  out[1] = 0x2d;
  out.set(body, 2);
  return out;
}

const REDIS_LOG_LEVELS = ["LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"];

/** A Lua state with Redis's environment. */
class LuaVm {
  readonly L: LuaState;
  /** Threads that finished cleanly, ready for another run. */
  readonly idle: LuaState[] = [];
  /** The library being loaded (FUNCTION LOAD), while its code runs. */
  loading: FunctionLibrary | null = null;

  constructor(
    readonly engine: ScriptEngine,
    readonly kind: "eval" | "function",
  ) {
    const L = lauxlib.luaL_newstate();
    this.L = L;
    for (const [name, open] of [
      ["_G", lualib.luaopen_base],
      ["table", lualib.luaopen_table],
      ["string", lualib.luaopen_string],
      ["math", lualib.luaopen_math],
      ["coroutine", lualib.luaopen_coroutine],
    ] as const) {
      lauxlib.luaL_requiref(L, ls(name), open, 1);
      lua.lua_pop(L, 1);
    }
    installCompat(L);
    installBit(L);
    installStruct(L);
    installCjson(L);
    installCmsgpack(L);
    // The `loaded` registry table from luaL_requiref is not reachable by scripts; drop it.
    lua.lua_pushnil(L);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lauxlib.LUA_LOADED_TABLE);
    this.installRedis();
    if (kind === "eval") {
      lua.lua_pushcfunction(L, errHandler);
      lua.lua_setglobal(L, ls("__redis__err__handler"));
    }
    this.protect();
  }

  /** The `redis` table. */
  private installRedis(): void {
    const L = this.L;
    const e = this.engine;
    lua.lua_createtable(L, 0, 40);
    const R = lua.lua_gettop(L);
    const fns: Record<string, LuaJsFunction> = {
      call: (L2) => e.redisCall(L2, true),
      pcall: (L2) => e.redisCall(L2, false),
      error_reply: (L2) => errorReply(L2),
      status_reply: (L2) => statusReply(L2),
      sha1hex: (L2) => {
        if (lua.lua_gettop(L2) !== 1) return raiseTable(L2, "ERR wrong number of arguments");
        const s = lauxlib.luaL_checklstring(L2, 1);
        lua.lua_pushstring(L2, ls(sha1hex(s)));
        return 1;
      },
      log: (L2) => e.redisLog(L2),
      setresp: (L2) => e.redisSetResp(L2),
      set_repl: (L2) => e.redisSetRepl(L2),
      replicate_commands: (L2) => {
        lua.lua_pushboolean(L2, true);
        return 1;
      },
      breakpoint: (L2) => {
        lua.lua_pushboolean(L2, false);
        return 1;
      },
      debug: () => 0,
      acl_check_cmd: (L2) => e.redisAclCheck(L2),
    };
    for (const [name, fn] of Object.entries(fns)) setFn(L, R, name, fn);
    if (this.kind === "function") setFn(L, R, "register_function", (L2) => this.registerFunction(L2));
    REDIS_LOG_LEVELS.forEach((name, i) => {
      lua.lua_pushnumber(L, i);
      lua.lua_setfield(L, R, ls(name));
    });
    for (const [name, v] of [
      ["REPL_NONE", REPL_NONE],
      ["REPL_AOF", REPL_AOF],
      ["REPL_SLAVE", REPL_REPLICA],
      ["REPL_REPLICA", REPL_REPLICA],
      ["REPL_ALL", REPL_ALL],
    ] as const) {
      lua.lua_pushnumber(L, v);
      lua.lua_setfield(L, R, ls(name));
    }
    const version = e.host.redisVersion;
    lua.lua_pushstring(L, ls(version));
    lua.lua_setfield(L, R, ls("REDIS_VERSION"));
    const [maj, min, patch] = version.split(".").map((x) => Number(x) || 0);
    lua.lua_pushnumber(L, ((maj ?? 0) << 16) | ((min ?? 0) << 8) | (patch ?? 0));
    lua.lua_setfield(L, R, ls("REDIS_VERSION_NUM"));
    lua.lua_setglobal(L, ls("redis"));
  }

  /**
   * Make the globals and every library table read-only; missing globals raise errors. For
   * functions, as in Redis 7.0, the global table is empty and reads through its metatable to an
   * API table: the full one when functions run, one holding only the loading API (`redis` with
   * register_function, log and the constants) while FUNCTION LOAD runs a library's code.
   */
  private protect(): void {
    const L = this.L;
    lua.lua_pushglobaltable(L);
    const G = lua.lua_gettop(L);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, G)) {
      if (lua.lua_istable(L, -1) && !lua.lua_rawequal(L, -1, G)) lua.lua_enablereadonlytable(L, -1, true);
      lua.lua_pop(L, 1);
    }
    lua.lua_createtable(L, 0, 1);
    const PM = lua.lua_gettop(L);
    lua.lua_pushcfunction(L, (L2) => {
      const name = lua.lua_tolstring(L2, 2);
      return lauxlib.luaL_error(L2, ls("Script attempted to access nonexistent global variable '%s'"), name ?? ls("?"));
    });
    lua.lua_setfield(L, PM, ls("__index"));
    lua.lua_enablereadonlytable(L, PM, true);
    if (this.kind === "eval") {
      lua.lua_pushvalue(L, PM);
      lua.lua_setmetatable(L, G);
    } else {
      // The full API: everything the globals hold now.
      lua.lua_createtable(L, 0, 40);
      const API = lua.lua_gettop(L);
      const keys: Uint8Array[] = [];
      lua.lua_pushnil(L);
      while (lua.lua_next(L, G)) {
        keys.push(lua.lua_tolstring(L, -2)!);
        lua.lua_pushvalue(L, -2);
        lua.lua_insert(L, -2);
        lua.lua_rawset(L, API);
      }
      for (const k of keys) {
        lua.lua_pushnil(L);
        lua.lua_setfield(L, G, k);
      }
      lua.lua_pushvalue(L, API);
      lua.lua_setfield(L, API, ls("_G"));
      lua.lua_pushvalue(L, PM);
      lua.lua_setmetatable(L, API);
      lua.lua_enablereadonlytable(L, API, true);
      // The loading API: { redis = { register_function, log, LOG_*, REDIS_VERSION(_NUM) } }.
      lua.lua_createtable(L, 0, 1);
      const LAPI = lua.lua_gettop(L);
      lua.lua_createtable(L, 0, 8);
      lua.lua_getfield(L, API, ls("redis"));
      for (const name of ["register_function", "log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"]) {
        lua.lua_getfield(L, -1, ls(name));
        lua.lua_setfield(L, -3, ls(name));
      }
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, PM);
      lua.lua_setmetatable(L, -2);
      lua.lua_enablereadonlytable(L, -1, true);
      lua.lua_setfield(L, LAPI, ls("redis"));
      lua.lua_pushvalue(L, PM);
      lua.lua_setmetatable(L, LAPI);
      lua.lua_enablereadonlytable(L, LAPI, true);
      // _G's own metatable, whose __index switches between the two.
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushvalue(L, API);
      lua.lua_setfield(L, -2, ls("__index"));
      lua.lua_enablereadonlytable(L, -1, true);
      lua.lua_pushvalue(L, -1);
      lua.lua_setmetatable(L, G);
      this.envMetaRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
      this.loadApiRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
      this.apiRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    }
    lua.lua_enablereadonlytable(L, G, true);
    // The string metatable ({__index = string}) too.
    lua.lua_pushstring(L, ls(""));
    if (lua.lua_getmetatable(L, -1)) {
      lua.lua_enablereadonlytable(L, -1, true);
      lua.lua_pop(L, 1);
    }
    lua.lua_settop(L, G - 1);
  }

  private envMetaRef = 0;
  private apiRef = 0;
  private loadApiRef = 0;

  /** Functions' state: globals read the loading API (true) or the full API (false). */
  useLoadEnv(loading: boolean): void {
    const L = this.L;
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, this.envMetaRef);
    lua.lua_enablereadonlytable(L, -1, false);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, loading ? this.loadApiRef : this.apiRef);
    lua.lua_setfield(L, -2, ls("__index"));
    lua.lua_enablereadonlytable(L, -1, true);
    lua.lua_pop(L, 1);
  }

  /** Set a global while the global table is read-only (KEYS, ARGV). Pops the value. */
  setGlobal(name: Uint8Array): void {
    const L = this.L;
    lua.lua_pushglobaltable(L);
    lua.lua_enablereadonlytable(L, -1, false);
    lua.lua_insert(L, -2);
    lua.lua_setfield(L, -2, name);
    lua.lua_enablereadonlytable(L, -1, true);
    lua.lua_pop(L, 1);
  }

  /** A thread to run on: an idle one or a new one with the count hook. */
  thread(): LuaState {
    const t = this.idle.pop();
    if (t !== undefined) return t;
    const L = this.L;
    const th = lua.lua_newthread(L);
    // Keep it referenced from the registry so it is never collected while in use.
    lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_sethook(th, (T) => this.engine.hook(T), lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    return th;
  }

  /** redis.register_function (only while FUNCTION LOAD runs the library's code). */
  private registerFunction(L: LuaState): number {
    const lib = this.loading;
    if (lib === null) return raiseTable(L, "ERR redis.register_function can only be called on FUNCTION LOAD command");
    const argc = lua.lua_gettop(L);
    let name: string | null = null;
    let flags = 0;
    let description: string | null = null;
    if (argc === 1) {
      if (!lua.lua_istable(L, 1)) return raiseTable(L, "ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
      lua.lua_settop(L, 1);
      lua.lua_pushnil(L); // slot 2: the callback
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1)) {
        const key = lua.lua_type(L, -2) === lua.LUA_TSTRING ? latin1(lua.lua_tolstring(L, -2)!) : "";
        if (key === "function_name") {
          if (!lua.lua_isstring(L, -1)) return raiseTable(L, "ERR function_name argument given to redis.register_function must be a string");
          name = dec.decode(lua.lua_tolstring(L, -1)!);
        } else if (key === "description") {
          if (!lua.lua_isstring(L, -1)) return raiseTable(L, "ERR description argument given to redis.register_function must be a string");
          description = dec.decode(lua.lua_tolstring(L, -1)!);
        } else if (key === "callback") {
          if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION) return raiseTable(L, "ERR callback argument given to redis.register_function must be a function");
          lua.lua_pushvalue(L, -1);
          lua.lua_replace(L, 2);
        } else if (key === "flags") {
          if (!lua.lua_istable(L, -1)) return raiseTable(L, "ERR flags argument to redis.register_function must be a table representing function flags");
          const f = tableFlags(L, lua.lua_gettop(L));
          if (f === null) return raiseTable(L, "ERR unknown flag given");
          flags = f;
        } else return raiseTable(L, "ERR unknown argument given to redis.register_function");
        lua.lua_pop(L, 1);
      }
      if (name === null) return raiseTable(L, "ERR redis.register_function must get a function name argument");
      if (lua.lua_isnil(L, 2)) return raiseTable(L, "ERR redis.register_function must get a callback argument");
    } else {
      if (argc !== 2) return raiseTable(L, "ERR wrong number of arguments to redis.register_function");
      if (!lua.lua_isstring(L, 1)) return raiseTable(L, "ERR first argument to redis.register_function must be a string");
      if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) return raiseTable(L, "ERR second argument to redis.register_function must be a function");
      name = dec.decode(lua.lua_tolstring(L, 1)!);
    }
    // (Redis reports a bad function name with its library-name text.)
    if (!/^[A-Za-z0-9_]+$/.test(name)) return raiseTable(L, "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
    if (lib.functions.has(name)) return raiseTable(L, "ERR Function already exists in the library");
    lua.lua_pushvalue(L, 2);
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lib.functions.set(name, { name, ref, flags, description, library: lib });
    return 0;
  }
}

/** Flags from a Lua array of flag names (function flags); null on an unknown one. */
function tableFlags(L: LuaState, t: number): number | null {
  let flags = 0;
  for (let i = 1; ; i++) {
    if (lua.lua_rawgeti(L, t, i) === lua.LUA_TNIL) {
      lua.lua_pop(L, 1);
      return flags;
    }
    const s = lua.lua_type(L, -1) === lua.LUA_TSTRING ? latin1(lua.lua_tolstring(L, -1)!) : "";
    lua.lua_pop(L, 1);
    const bit = SCRIPT_FLAG_NAMES.find(([n]) => n === s);
    if (bit === undefined) return null;
    flags |= bit[1];
  }
}

/** Raise Redis's error table {err = text}: what redis.call & co raise (no position prefix). */
function raiseTable(L: LuaState, text: string): never {
  pushErrorTable(L, text, false);
  return lua.lua_error(L);
}

/** `__redis__err__handler`: Redis's message handler shape (kept for scripts that look at _G). */
function errHandler(L: LuaState): number {
  if (!lua.lua_istable(L, 1)) {
    const s = lauxlib.luaL_tolstring(L, 1);
    lua.lua_createtable(L, 0, 1);
    pushLatin1(L, "ERR " + latin1(s));
    lua.lua_setfield(L, -2, ls("err"));
    return 1;
  }
  lua.lua_settop(L, 1);
  return 1;
}

/** Normalize an error text as Redis's luaPushErrorBuff does: "CODE msg", trailing CR/LF trimmed. */
export function normalizeError(raw: string): string {
  let code = "ERR";
  let msg = raw;
  if (raw.startsWith("-")) {
    const sp = raw.indexOf(" ");
    if (sp < 0) msg = raw.slice(1);
    else {
      code = raw.slice(1, sp);
      msg = raw.slice(sp + 1);
    }
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, "");
  return `${code} ${msg}`;
}

/** Bad arguments to error_reply/status_reply: Redis returns (not raises) an error table. */
function badReplyArgs(L: LuaState): number {
  pushErrorTable(L, "ERR wrong number or type of arguments", false);
  return 1;
}

function errorReply(L: LuaState): number {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) return badReplyArgs(L);
  const raw = latin1(lua.lua_tolstring(L, 1)!);
  pushErrorTable(L, normalizeError(raw.startsWith("-") ? raw : "-" + raw), false);
  return 1;
}

function statusReply(L: LuaState): number {
  if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, 1) !== lua.LUA_TSTRING) return badReplyArgs(L);
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushvalue(L, 1);
  lua.lua_setfield(L, -2, ls("ok"));
  return 1;
}

/** Lua number → command argument: Redis formats numbers with "%.17g" (no precision loss). */
function numberArg(n: number): Uint8Array {
  if (Number.isInteger(n) && Math.abs(n) < 1e17) return ls(String(n === 0 ? 0 : n));
  const s = n !== n ? "nan" : n === Infinity ? "inf" : n === -Infinity ? "-inf" : formatG(n, 17);
  return new TextEncoder().encode(s);
}

export class ScriptEngine {
  private evalVm: LuaVm;
  private fnVm: LuaVm;
  private scripts = new Map<string, CachedScript>();
  /** Loaded function libraries and the flat function table. */
  readonly libraries = new Map<string, FunctionLibrary>();
  readonly functions = new Map<string, LuaFunction>();
  /** The run being executed (its thread is inside lua_resume), or the paused one. */
  current: ScriptRun | null = null;

  constructor(readonly host: ScriptHost) {
    this.evalVm = new LuaVm(this, "eval");
    this.fnVm = new LuaVm(this, "function");
  }

  // -----------------------------------------------------------------------------------------------
  // EVAL scripts

  /** Number of cached scripts (INFO number_of_cached_scripts). */
  get scriptCount(): number {
    return this.scripts.size;
  }

  hasScript(sha: string): boolean {
    return this.scripts.has(sha);
  }

  /** Flags of a cached script, or -1. */
  scriptFlags(sha: string): number {
    return this.scripts.get(sha)?.flags ?? -1;
  }

  /**
   * Compile and cache a script body (EVAL, SCRIPT LOAD). Returns its SHA, or an error text
   * (bad shebang, compile error).
   */
  loadScript(body: Uint8Array, sha: string = sha1hex(body)): { sha: string } | { error: string } {
    if (this.scripts.has(sha)) return { sha };
    const sb = parseShebang(body, false);
    if (typeof sb === "string") return { error: sb };
    const L = this.evalVm.L;
    const src = compilable(body, sb.length);
    const st = lauxlib.luaL_loadbufferx(L, src, src.length, ls("@user_script"), ls("t"));
    if (st !== lua.LUA_OK) {
      const msg = latin1(lua.lua_tolstring(L, -1) ?? ls("?"));
      lua.lua_pop(L, 1);
      return { error: `ERR Error compiling script (new function): ${msg}` };
    }
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.scripts.set(sha, { ref, flags: sb.flags, body: body.slice() });
    return { sha };
  }

  /** SCRIPT FLUSH: forget every script and start a fresh Lua state (as Redis does). */
  flushScripts(): void {
    this.scripts.clear();
    this.evalVm = new LuaVm(this, "eval");
  }

  /** Prepare a run of a cached script (the caller checked it exists). */
  evalRun(sha: string, keys: Uint8Array[], args: Uint8Array[], readOnly: boolean): ScriptRun {
    const s = this.scripts.get(sha)!;
    const vm = this.evalVm;
    const L = vm.L;
    pushArray(L, keys);
    vm.setGlobal(ls("KEYS"));
    pushArray(L, args);
    vm.setGlobal(ls("ARGV"));
    const th = vm.thread();
    lua.lua_rawgeti(th, lua.LUA_REGISTRYINDEX, s.ref);
    return { kind: "eval", name: sha, flags: s.flags, readOnly, resp: 2, repl: REPL_ALL, thread: th, error: null, pausedAt: null };
  }

  // -----------------------------------------------------------------------------------------------
  // Functions

  /**
   * FUNCTION LOAD: compile the library, run its code to collect `redis.register_function` calls.
   * Returns the library (not yet installed) or an error text.
   */
  compileLibrary(code: Uint8Array): FunctionLibrary | string {
    const sb = parseShebang(code, true);
    if (typeof sb === "string") return sb;
    if (sb.length === 0) return "ERR Missing library metadata";
    if (sb.name === null) return "ERR Library name was not given";
    if (!/^[A-Za-z0-9_]+$/.test(sb.name)) return "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
    const vm = this.fnVm;
    const L = vm.L;
    const src = compilable(code, sb.length);
    if (lauxlib.luaL_loadbufferx(L, src, src.length, ls("@user_function"), ls("t")) !== lua.LUA_OK) {
      const msg = latin1(lua.lua_tolstring(L, -1) ?? ls("?"));
      lua.lua_pop(L, 1);
      return `ERR Error compiling function: ${msg}`;
    }
    const lib: FunctionLibrary = { name: sb.name, code: code.slice(), functions: new Map() };
    vm.loading = lib;
    // While the library code runs, the globals are only the loading API, as in Redis.
    vm.useLoadEnv(true);
    const th = lua.lua_newthread(L);
    lua.lua_insert(L, -2);
    lua.lua_xmove(L, th, 1);
    lua.lua_sethook(th, (T) => this.loadHook(T), lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    this.loadStarted = performance.now();
    const st = lua.lua_resume(th, null, 0);
    vm.useLoadEnv(false);
    vm.loading = null;
    lua.lua_pop(L, 1);
    if (st !== lua.LUA_OK) {
      for (const f of lib.functions.values()) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, f.ref);
      const msg = st === lua.LUA_YIELD ? "ERR FUNCTION LOAD timeout" : errorText(th, -1);
      return `ERR Error registering functions: ${msg}`;
    }
    if (lib.functions.size === 0) return "ERR No functions registered";
    return lib;
  }

  private loadStarted = 0;

  /** FUNCTION LOAD's code gets at most 500 ms (Redis's load timeout). */
  private loadHook(L: LuaState): void {
    if (performance.now() - this.loadStarted > 500) lauxlib.luaL_error(L, ls("FUNCTION LOAD timeout"));
  }

  /** Install a compiled library (replacing one of the same name when `replace`). */
  installLibrary(lib: FunctionLibrary, replace: boolean): string | null {
    const old = this.libraries.get(lib.name);
    if (old !== undefined && !replace) return `ERR Library '${lib.name}' already exists`;
    for (const f of lib.functions.values()) {
      const other = this.functions.get(f.name);
      if (other !== undefined && other.library.name !== lib.name) return `ERR Function ${f.name} already exists`;
    }
    if (old !== undefined) this.deleteLibrary(old.name);
    this.libraries.set(lib.name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name, f);
    return null;
  }

  /** Drop a library; false if unknown. */
  deleteLibrary(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    for (const f of lib.functions.values()) {
      this.functions.delete(f.name);
      lauxlib.luaL_unref(this.fnVm.L, lua.LUA_REGISTRYINDEX, f.ref);
    }
    this.libraries.delete(name);
    return true;
  }

  /** FUNCTION FLUSH: no libraries, a fresh Lua state. */
  flushFunctions(): void {
    this.libraries.clear();
    this.functions.clear();
    this.fnVm = new LuaVm(this, "function");
  }

  /** Prepare a run of a function with its keys and args tables. */
  functionRun(fn: LuaFunction, keys: Uint8Array[], args: Uint8Array[], readOnly: boolean): ScriptRun {
    const th = this.fnVm.thread();
    lua.lua_rawgeti(th, lua.LUA_REGISTRYINDEX, fn.ref);
    pushArray(th, keys);
    pushArray(th, args);
    return { kind: "function", name: fn.name, flags: fn.flags, readOnly, resp: 2, repl: REPL_ALL, thread: th, error: null, pausedAt: null };
  }

  // -----------------------------------------------------------------------------------------------
  // Running

  /**
   * Start or continue a run until it finishes (RUN_DONE: the result is on its thread, write it
   * with `writeResult`), fails (RUN_ERROR: `run.error` holds the reply text) or pauses
   * (RUN_PAUSED: call `step` again later, or `abandon`).
   */
  step(run: ScriptRun): number {
    const th = run.thread!;
    const first = lua.lua_status(th) === lua.LUA_OK;
    const nargs = first ? (run.kind === "function" ? 2 : 0) : 0;
    const prev = this.current;
    this.current = run;
    let st: number;
    try {
      st = lua.lua_resume(th, null, nargs);
    } finally {
      this.current = prev;
    }
    if (st === lua.LUA_YIELD) return RUN_PAUSED;
    if (st === lua.LUA_OK) return RUN_DONE;
    run.error = this.runtimeError(run, th);
    run.thread = null; // a dead thread is not reused
    return RUN_ERROR;
  }

  /** Write a finished run's result (its first return value) and recycle its thread. */
  writeResult(run: ScriptRun, out: ReplyWriter): void {
    const th = run.thread!;
    if (lua.lua_gettop(th) >= 1) writeLuaValue(th, 1, out, run.resp);
    else out.nullBulk();
    lua.lua_settop(th, 0);
    (run.kind === "eval" ? this.evalVm : this.fnVm).idle.push(th);
    run.thread = null;
  }

  /** Give up a paused run (SCRIPT KILL / FUNCTION KILL): its coroutine is dropped. */
  abandon(run: ScriptRun): string {
    const th = run.thread;
    run.thread = null;
    const where = th === null ? null : run.pausedAt;
    const suffix = where === null ? "" : ` script: ${run.name}, on ${where}.`;
    return `ERR Script killed by user with SCRIPT KILL...${suffix}`; // Redis says SCRIPT KILL for functions too
  }

  /** The count hook (every thread of both states). */
  hook(L: LuaState): void {
    const run = this.current;
    if (run === null) return;
    if (this.host.tick(run) === TICK_YIELD && L === run.thread && lua.lua_isyieldable(L)) {
      // Where it stopped, for a kill message (a thread yielded from a hook cannot be inspected).
      run.pausedAt = position(L, 0);
      lua.lua_yield(L, 0);
    }
  }

  /** The reply text of a failed run, Redis 7.0's shape. */
  private runtimeError(run: ScriptRun, th: LuaState): string {
    lua.lua_checkstack(th, 8);
    const msg = errorText(th, -1);
    const where = position(th, 0);
    return where === null ? msg : `${msg} script: ${run.name}, on ${where}.`;
  }

  // -----------------------------------------------------------------------------------------------
  // The redis.* functions that need the run

  /** redis.call (raise = true) / redis.pcall. */
  redisCall(L: LuaState, raise: boolean): number {
    const run = this.current;
    const argc = lua.lua_gettop(L);
    let err: string | null = null;
    const argv: Uint8Array[] = [];
    if (run === null) err = "ERR redis.call can only be called inside a script invocation";
    else if (argc === 0) err = "ERR Please specify at least one argument for this redis lib call";
    else {
      for (let i = 1; i <= argc; i++) {
        const t = lua.lua_type(L, i);
        if (t === lua.LUA_TSTRING) argv.push(lua.lua_tolstring(L, i)!);
        else if (t === lua.LUA_TNUMBER) argv.push(numberArg(lua.lua_tonumber(L, i)));
        else {
          err = "ERR Lua redis lib command arguments must be strings or integers";
          break;
        }
      }
    }
    if (err !== null) {
      pushErrorTable(L, err, true);
      return raise ? lua.lua_error(L) : 1;
    }
    const r = this.host.call(run!, argv);
    if (typeof r === "string") {
      pushErrorTable(L, r, true);
      return raise ? lua.lua_error(L) : 1;
    }
    const c: Cursor = { buf: r, pos: 0 };
    if (r[0] === 0x2d) {
      const end = r.indexOf(13);
      pushErrorTable(L, r.subarray(1, end), true);
      return raise ? lua.lua_error(L) : 1;
    }
    lua.lua_checkstack(L, 4);
    pushReply(L, c);
    return 1;
  }

  redisLog(L: LuaState): number {
    const argc = lua.lua_gettop(L);
    if (argc < 2) return raiseTable(L, "ERR redis.log() requires two arguments or more.");
    if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER) return raiseTable(L, "ERR First argument must be a number (log level).");
    const level = lua.lua_tonumber(L, 1);
    if (level < 0 || level > 3 || !Number.isInteger(level)) return raiseTable(L, "ERR Invalid debug level.");
    const parts: string[] = [];
    for (let i = 2; i <= argc; i++) {
      const s = lua.lua_tolstring(L, i);
      if (s !== null) parts.push(latin1(s));
    }
    this.host.log(level, parts.join(" "));
    return 0;
  }

  redisSetResp(L: LuaState): number {
    const run = this.current;
    if (lua.lua_gettop(L) !== 1) return raiseTable(L, "ERR redis.setresp() requires one argument.");
    const v = lua.lua_tonumber(L, 1);
    if (v !== 2 && v !== 3) return raiseTable(L, "ERR RESP version must be 2 or 3.");
    if (run !== null) run.resp = v;
    return 0;
  }

  redisSetRepl(L: LuaState): number {
    const run = this.current;
    if (lua.lua_gettop(L) !== 1) return raiseTable(L, "ERR redis.set_repl() requires two arguments.");
    const v = lua.lua_tonumber(L, 1);
    if (!Number.isInteger(v) || v < 0 || v > REPL_ALL) return raiseTable(L, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    if (run !== null) run.repl = v;
    return 0;
  }

  redisAclCheck(L: LuaState): number {
    const run = this.current;
    const argc = lua.lua_gettop(L);
    const argv: Uint8Array[] = [];
    for (let i = 1; i <= argc; i++) {
      const t = lua.lua_type(L, i);
      if (t === lua.LUA_TSTRING) argv.push(lua.lua_tolstring(L, i)!);
      else if (t === lua.LUA_TNUMBER) argv.push(numberArg(lua.lua_tonumber(L, i)));
      else return raiseTable(L, "ERR Lua redis lib command arguments must be strings or integers");
    }
    if (argc === 0) return raiseTable(L, "ERR Please specify at least one argument for this redis lib call");
    const ok = run === null ? null : this.host.aclCheck(run, argv);
    if (ok === null) return raiseTable(L, "ERR Invalid command passed to redis.acl_check_cmd()");
    lua.lua_pushboolean(L, ok);
    return 1;
  }
}

/** Push a Lua array of byte strings. */
function pushArray(L: LuaState, items: Uint8Array[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushBytes(L, items[i]!);
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** The error value at `idx` as Redis's reply text: an {err=} table's text, else "ERR " + value. */
function errorText(L: LuaState, idx: number): string {
  idx = lua.lua_absindex(L, idx);
  lua.lua_checkstack(L, 8); // a dead thread's frame has no spare slots
  if (lua.lua_istable(L, idx)) {
    lua.lua_getfield(L, idx, ls("err"));
    const s = lua.lua_type(L, -1) === lua.LUA_TSTRING ? latin1(lua.lua_tolstring(L, -1)!) : null;
    lua.lua_pop(L, 1);
    return s ?? "ERR unknown error";
  }
  const s = lua.lua_type(L, idx) === lua.LUA_TSTRING || lua.lua_type(L, idx) === lua.LUA_TNUMBER ? lua.lua_tolstring(L, idx) : null;
  if (s !== null) return "ERR " + latin1(s);
  return "ERR " + latin1(lauxlib.luaL_tolstring(L, idx));
}

/** `@source:line` of the innermost Lua frame at or above `level` of a thread, or null. */
function position(L: LuaState, level: number): string | null {
  const ar = new lua.lua_Debug();
  for (let lv = level; lv < level + 3; lv++) {
    if (!lua.lua_getstack(L, lv, ar)) return null;
    lua.lua_getinfo(L, ls("Sl"), ar);
    const what = ar.what === null ? "" : latin1(ar.what);
    if (what !== "Lua" && what !== "main") continue; // a JS (C) function: report its Lua caller
    const src = ar.source === null ? "?" : latin1(ar.source);
    return `${src}:${ar.currentline}`;
  }
  return null;
}
