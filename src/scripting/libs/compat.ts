/**
 * The Lua 5.1 library surface Redis 7.0 scripts see, over fengari's 5.3 libraries: 5.1-only names
 * (`unpack`, `loadstring`, `gcinfo`, `table.getn/setn/maxn/foreach/foreachi`, `string.gfind`,
 * `math.mod/pow/atan2/cosh/sinh/tanh/frexp/ldexp/log10`), 5.3-only names removed, 5.1's
 * `string.format` (C printf on doubles), 5.1's `load` (functions only), and Redis's own
 * `math.random`/`math.randomseed` (a 48-bit LCG like POSIX lrand48, never reseeded by Redis
 * between scripts) and `pcall` (an error table is caught as its `err` string).
 */
import { formatFloat, formatInteger, padString, toInt32, toInt64, toUint64, type FormatSpec } from "../printf.ts";
import { latin1, latin1Bytes, lauxlib, ls, lua, pushBytes, raise, setFn, unset, type LuaState } from "../lua.ts";

// -------------------------------------------------------------------------------------------------
// Redis's PRNG: lrand48 arithmetic on a 48-bit state, shared by every script (process-wide).

const A = 0x5deece66dn;
const MASK48 = (1n << 48n) - 1n;
/** POSIX's default state before any srand48 call (what Redis starts with). */
let randState = 0x1234abcd330en;

/** Next 31-bit value (lrand48). */
export function lrand48(): number {
  randState = (randState * A + 0xbn) & MASK48;
  return Number(randState >> 17n);
}

/** Reseed as srand48 does: the seed's low 32 bits above 0x330E. */
export function srand48(seed: number): void {
  randState = ((BigInt(seed >>> 0) << 16n) | 0x330en) & MASK48;
}

/** Reset the PRNG to its start-up state (tests). */
export function resetRandom(): void {
  randState = 0x1234abcd330en;
}

const INT32_MAX = 2147483647;

function mathRandom(L: LuaState): number {
  const r = (lrand48() % INT32_MAX) / INT32_MAX;
  switch (lua.lua_gettop(L)) {
    case 0:
      lua.lua_pushnumber(L, r);
      break;
    case 1: {
      const u = lauxlib.luaL_checkinteger(L, 1);
      lauxlib.luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua.lua_pushnumber(L, Math.floor(r * u) + 1);
      break;
    }
    case 2: {
      const l = lauxlib.luaL_checkinteger(L, 1);
      const u = lauxlib.luaL_checkinteger(L, 2);
      lauxlib.luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua.lua_pushnumber(L, Math.floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return raise(L, "wrong number of arguments");
  }
  return 1;
}

function mathRandomseed(L: LuaState): number {
  srand48(lauxlib.luaL_checkinteger(L, 1));
  return 0;
}

// -------------------------------------------------------------------------------------------------
// string.format (Lua 5.1's str_format with glibc's printf)

const FLAG_CHARS = "-+ #0";

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function strFormat(L: LuaState): number {
  const top = lua.lua_gettop(L);
  let arg = 1;
  const fmt = lauxlib.luaL_checklstring(L, arg);
  const parts: string[] = [];
  let i = 0;
  let lit = 0;
  while (i < fmt.length) {
    if (fmt[i] !== 37) {
      i++;
      continue;
    }
    if (i > lit) parts.push(latin1(fmt.subarray(lit, i)));
    i++;
    if (fmt[i] === 37) {
      parts.push("%");
      lit = ++i;
      continue;
    }
    if (++arg > top) lauxlib.luaL_argerror(L, arg, ls("no value"));
    const spec: FormatSpec = { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, prec: -1, conv: "" };
    const start = i;
    while (i < fmt.length && FLAG_CHARS.includes(String.fromCharCode(fmt[i]!))) {
      const f = fmt[i]!;
      if (f === 45) spec.minus = true;
      else if (f === 43) spec.plus = true;
      else if (f === 32) spec.space = true;
      else if (f === 35) spec.alt = true;
      else spec.zero = true;
      i++;
    }
    if (i - start >= FLAG_CHARS.length + 1) raise(L, "invalid format (repeated flags)");
    let w = 0;
    let nd = 0;
    while (isDigit(fmt[i]) && nd < 2) {
      w = w * 10 + fmt[i]! - 48;
      i++;
      nd++;
    }
    spec.width = w;
    if (fmt[i] === 46) {
      i++;
      let p = 0;
      nd = 0;
      while (isDigit(fmt[i]) && nd < 2) {
        p = p * 10 + fmt[i]! - 48;
        i++;
        nd++;
      }
      spec.prec = p;
    }
    if (isDigit(fmt[i])) raise(L, "invalid format (width or precision too long)");
    const conv = fmt[i] === undefined ? "" : String.fromCharCode(fmt[i]!);
    i++;
    lit = i;
    spec.conv = conv;
    switch (conv) {
      case "c": {
        const b = toInt32(lauxlib.luaL_checknumber(L, arg)) & 0xff;
        // sprintf then strlen: a NUL character ends the item (Lua 5.1 keeps what precedes it).
        const s = spec.minus ? String.fromCharCode(b) + " ".repeat(Math.max(0, spec.width - 1)) : " ".repeat(Math.max(0, spec.width - 1)) + String.fromCharCode(b);
        const z = s.indexOf("\0");
        parts.push(z < 0 ? s : s.slice(0, z));
        break;
      }
      case "d":
      case "i":
        parts.push(formatInteger(toInt64(lauxlib.luaL_checknumber(L, arg)), spec));
        break;
      case "o":
      case "u":
      case "x":
      case "X":
        parts.push(formatInteger(toUint64(lauxlib.luaL_checknumber(L, arg)), spec));
        break;
      case "e":
      case "E":
      case "f":
      case "g":
      case "G":
        parts.push(formatFloat(lauxlib.luaL_checknumber(L, arg), spec));
        break;
      case "q":
        parts.push(quoted(lauxlib.luaL_checklstring(L, arg)));
        break;
      case "s": {
        const b = lauxlib.luaL_checklstring(L, arg);
        if (spec.prec < 0 && b.length >= 100) parts.push(latin1(b));
        else {
          const z = b.indexOf(0);
          parts.push(padString(latin1(z < 0 ? b : b.subarray(0, z)), spec));
        }
        break;
      }
      default:
        return raise(L, `invalid option '%${conv}' to 'format'`);
    }
  }
  if (fmt.length > lit) parts.push(latin1(fmt.subarray(lit)));
  pushBytes(L, latin1Bytes(parts.join("")));
  return 1;
}

function quoted(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 34 || c === 92 || c === 10) s += "\\" + String.fromCharCode(c);
    else if (c === 13) s += "\\r";
    else if (c === 0) s += "\\000";
    else s += String.fromCharCode(c);
  }
  return s + '"';
}

// -------------------------------------------------------------------------------------------------
// Lua 5.1 base and table functions

function getn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_pushnumber(L, lua.lua_rawlen(L, 1));
  return 1;
}

function setn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  return raise(L, "'setn' is obsolete");
}

function maxn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) {
      const v = lua.lua_tonumber(L, -1);
      if (v > max) max = v;
    }
  }
  lua.lua_pushnumber(L, max);
  return 1;
}

function foreachi(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  const n = lua.lua_rawlen(L, 1);
  for (let i = 1; i <= n; i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, i);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
}

function foreach(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
}

function gcinfo(L: LuaState): number {
  lua.lua_pushnumber(L, Math.floor(process.memoryUsage().heapUsed / 1024));
  return 1;
}

function loadstring(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const name = lauxlib.luaL_optstring(L, 2, s);
  const st = lauxlib.luaL_loadbufferx(L, s, s.length, name, ls("t"));
  if (st === lua.LUA_OK) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

/** Lua 5.1's pcall, as Redis 7.0 replaces it: an error table is returned as its `err` string. */
function finishPcall(L: LuaState, status: number): number {
  if (status !== lua.LUA_OK && status !== lua.LUA_YIELD) {
    if (lua.lua_istable(L, -1)) {
      lua.lua_getfield(L, -1, ls("err"));
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
      else lua.lua_pop(L, 1);
    }
    lua.lua_pushboolean(L, false);
    lua.lua_pushvalue(L, -2);
    return 2;
  }
  return lua.lua_gettop(L);
}

function pcall(L: LuaState): number {
  lauxlib.luaL_checkany(L, 1);
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  const st = lua.lua_pcallk(L, lua.lua_gettop(L) - 2, lua.LUA_MULTRET, 0, 0, (L2, status) => finishPcall(L2, status));
  return finishPcall(L, st);
}

/** Largest string `string.rep` builds (Redis would run out of memory well before 2^31). */
const MAX_REP = 512 * 1024 * 1024;

/** Lua 5.1's string.rep: the count goes through C's (int) cast (2^31 wraps to negative: ""). */
function strRep(L: LuaState): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const d = lauxlib.luaL_checknumber(L, 2);
  const n = d !== d || d >= 9223372036854775808 || d < -9223372036854775808 ? 0 : Math.trunc(d) | 0;
  if (n <= 0 || s.length === 0) {
    lua.lua_pushliteral(L, "");
    return 1;
  }
  if (s.length * n > MAX_REP) return raise(L, "not enough memory");
  const total = s.length * n;
  const out = new Uint8Array(total);
  out.set(s, 0);
  // Doubling copies: O(log n) native copies instead of one per repetition.
  for (let have = s.length; have < total; have *= 2) out.copyWithin(have, 0, Math.min(have, total - have));
  pushBytes(L, out);
  return 1;
}

/** Lua 5.1's error: a string or number message gets the position of `level`. */
function luaError(L: LuaState): number {
  const level = lauxlib.luaL_optinteger(L, 2, 1);
  lua.lua_settop(L, 1);
  if (lua.lua_isstring(L, 1) && level > 0) {
    lauxlib.luaL_where(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

const GC_OPTIONS = ["stop", "restart", "collect", "count", "step", "setpause", "setstepmul"];

/** Lua 5.1's collectgarbage over the JS heap (the GC itself is the host's). */
function collectgarbage(L: LuaState): number {
  const opt = lua.lua_isnoneornil(L, 1) ? "collect" : latin1(lauxlib.luaL_checklstring(L, 1));
  const ex = lauxlib.luaL_optinteger(L, 2, 0);
  if (!GC_OPTIONS.includes(opt)) return lauxlib.luaL_argerror(L, 1, ls(`invalid option '${opt}'`));
  switch (opt) {
    case "count":
      lua.lua_pushnumber(L, process.memoryUsage().heapUsed / 1024);
      return 1;
    case "step":
      lua.lua_pushboolean(L, false);
      return 1;
    case "setpause": {
      lua.lua_pushnumber(L, gcParams.pause);
      gcParams.pause = ex;
      return 1;
    }
    case "setstepmul": {
      lua.lua_pushnumber(L, gcParams.stepmul);
      gcParams.stepmul = ex;
      return 1;
    }
    default:
      lua.lua_pushnumber(L, 0);
      return 1;
  }
}
const gcParams = { pause: 200, stepmul: 200 };

/** math.max / math.min with Lua 5.1's argument checks. */
function minmax(isMax: boolean) {
  return (L: LuaState): number => {
    const n = lua.lua_gettop(L);
    let best = lauxlib.luaL_checknumber(L, 1);
    for (let i = 2; i <= n; i++) {
      const v = lauxlib.luaL_checknumber(L, i);
      if (isMax ? v > best : v < best) best = v;
    }
    lua.lua_pushnumber(L, best);
    return 1;
  };
}

/**
 * Reshape the globals of a state opened with fengari's base, table, string, math and coroutine
 * libraries into Lua 5.1's as Redis 7.0 exposes them.
 */
export function installCompat(L: LuaState): void {
  lua.lua_pushglobaltable(L);
  const G = lua.lua_gettop(L);
  // base
  lua.lua_getglobal(L, ls("load"));
  const load53 = lua.lua_gettop(L);
  lua.lua_pushvalue(L, load53);
  lua.lua_pushcclosure(
    L,
    (L2) => {
      lauxlib.luaL_checktype(L2, 1, lua.LUA_TFUNCTION);
      lua.lua_pushvalue(L2, lua.lua_upvalueindex(1));
      lua.lua_insert(L2, 1);
      lua.lua_settop(L2, 3);
      if (lua.lua_isnil(L2, 3)) {
        lua.lua_pop(L2, 1);
        lua.lua_pushliteral(L2, "=(load)");
      }
      lua.lua_call(L2, 2, lua.LUA_MULTRET);
      return lua.lua_gettop(L2);
    },
    1,
  );
  lua.lua_setfield(L, G, ls("load"));
  lua.lua_pop(L, 1);
  for (const name of ["dofile", "loadfile", "print", "rawlen", "require", "utf8", "package", "io", "os", "debug"]) unset(L, G, name);
  setFn(L, G, "gcinfo", gcinfo);
  setFn(L, G, "loadstring", loadstring);
  setFn(L, G, "pcall", pcall);
  setFn(L, G, "error", luaError);
  setFn(L, G, "collectgarbage", collectgarbage);
  lua.lua_getfield(L, G, ls("tostring"));
  lua.lua_pushcclosure(
    L,
    (L2) => {
      lauxlib.luaL_checkany(L2, 1);
      // C Lua prints a NULL light userdata (cjson.null) as "userdata: (nil)".
      if (lua.lua_type(L2, 1) === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L2, 1) === null) {
        lua.lua_pushstring(L2, ls("userdata: (nil)"));
        return 1;
      }
      lua.lua_pushvalue(L2, lua.lua_upvalueindex(1));
      lua.lua_insert(L2, 1);
      lua.lua_call(L2, lua.lua_gettop(L2) - 1, 1);
      return 1;
    },
    1,
  );
  lua.lua_setfield(L, G, ls("tostring"));
  lua.lua_pushliteral(L, "Lua 5.1");
  lua.lua_setfield(L, G, ls("_VERSION"));
  // table
  lua.lua_getglobal(L, ls("table"));
  const T = lua.lua_gettop(L);
  lua.lua_getfield(L, T, ls("unpack"));
  lua.lua_setfield(L, G, ls("unpack"));
  for (const name of ["move", "pack", "unpack"]) unset(L, T, name);
  setFn(L, T, "getn", getn);
  setFn(L, T, "setn", setn);
  setFn(L, T, "maxn", maxn);
  setFn(L, T, "foreach", foreach);
  setFn(L, T, "foreachi", foreachi);
  lua.lua_pop(L, 1);
  // string
  lua.lua_getglobal(L, ls("string"));
  const S = lua.lua_gettop(L);
  lua.lua_getfield(L, S, ls("gmatch"));
  lua.lua_setfield(L, S, ls("gfind"));
  for (const name of ["pack", "packsize", "unpack"]) unset(L, S, name);
  setFn(L, S, "format", strFormat);
  setFn(L, S, "rep", strRep);
  lua.lua_pop(L, 1);
  // math
  lua.lua_getglobal(L, ls("math"));
  const M = lua.lua_gettop(L);
  for (const name of ["tointeger", "type", "ult", "maxinteger", "mininteger"]) unset(L, M, name);
  lua.lua_getfield(L, M, ls("fmod"));
  lua.lua_setfield(L, M, ls("mod"));
  const num = (f: (x: number, y: number) => number, two: boolean) => (L2: LuaState) => {
    const x = lauxlib.luaL_checknumber(L2, 1);
    lua.lua_pushnumber(L2, f(x, two ? lauxlib.luaL_checknumber(L2, 2) : 0));
    return 1;
  };
  setFn(L, M, "pow", num((x, y) => Math.pow(x, y), true));
  setFn(L, M, "atan2", num((y, x) => Math.atan2(y, x), true));
  setFn(L, M, "cosh", num((x) => Math.cosh(x), false));
  setFn(L, M, "sinh", num((x) => Math.sinh(x), false));
  setFn(L, M, "tanh", num((x) => Math.tanh(x), false));
  setFn(L, M, "log10", num((x) => Math.log10(x), false));
  setFn(L, M, "log", num((x) => Math.log(x), false));
  setFn(L, M, "ldexp", (L2) => {
    const m = lauxlib.luaL_checknumber(L2, 1);
    const e = lauxlib.luaL_checkinteger(L2, 2);
    lua.lua_pushnumber(L2, ldexp(m, e));
    return 1;
  });
  setFn(L, M, "frexp", (L2) => {
    const [m, e] = frexp(lauxlib.luaL_checknumber(L2, 1));
    lua.lua_pushnumber(L2, m);
    lua.lua_pushnumber(L2, e);
    return 2;
  });
  setFn(L, M, "random", mathRandom);
  setFn(L, M, "max", minmax(true));
  setFn(L, M, "min", minmax(false));
  setFn(L, M, "randomseed", mathRandomseed);
  lua.lua_pop(L, 1);
  // coroutine
  lua.lua_getglobal(L, ls("coroutine"));
  unset(L, -1, "isyieldable");
  lua.lua_pop(L, 2);
}

function ldexp(m: number, e: number): number {
  // Split the scaling so intermediate powers of two never overflow or underflow early.
  let r = m;
  while (e > 1000) {
    r *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    r *= 2 ** -1000;
    e += 1000;
  }
  return r * 2 ** e;
}

function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = ldexp(x, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}
