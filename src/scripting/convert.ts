/**
 * Conversions between Redis replies and Lua values, as Redis 7.0 documents them.
 *
 * RESP → Lua (what `redis.call` returns): integer → number, bulk → string, null bulk / null
 * array → false (RESP2) or nil (RESP3 null), status → {ok=...}, error → {err=...}, array → table,
 * and under `redis.setresp(3)`: map → {map={...}}, set → {set={elem=true}}, double →
 * {double=n}, big number → {big_number=s}, verbatim → {verbatim_string={format=, string=}},
 * booleans → booleans; attributes are skipped.
 *
 * Lua → reply (what a script returns): number → integer (truncated; out of range → INT64_MIN
 * like a C cast), string → bulk, true → 1 / false → null (or RESP3 booleans when the script
 * chose RESP3), tables with err/ok/double/big_number/verbatim_string/map/set fields → those
 * replies, other tables → arrays up to the first nil, anything else → null.
 */
import { lua, ls, pushBytes, type LuaState } from "./lua.ts";
import type { ReplyWriter } from "../protocol/resp/writer.ts";
import { toInt64 } from "./printf.ts";

const CR = 13;

/** A parse position inside a reply buffer. */
export interface Cursor {
  buf: Uint8Array;
  pos: number;
}

function lineEnd(c: Cursor): number {
  const b = c.buf;
  let i = c.pos;
  while (b[i] !== CR) i++;
  return i;
}

function readInt(c: Cursor): number {
  const b = c.buf;
  let i = c.pos;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  }
  let n = 0;
  while (b[i] !== CR) n = n * 10 + (b[i++]! - 48);
  c.pos = i + 2;
  return neg ? -n : n;
}

function readLine(c: Cursor): Uint8Array {
  const end = lineEnd(c);
  const s = c.buf.subarray(c.pos, end);
  c.pos = end + 2;
  return s;
}

const dec = new TextDecoder("latin1");

function setStringField(L: LuaState, name: string, value: Uint8Array): void {
  pushBytes(L, value);
  lua.lua_setfield(L, -2, ls(name));
}

/**
 * Push the reply at the cursor as a Lua value and advance past it. Errors become {err=...} tables
 * (the caller decides whether to raise them).
 */
export function pushReply(L: LuaState, c: Cursor): void {
  const b = c.buf;
  const type = b[c.pos++]!;
  switch (type) {
    case 0x3a: // ':'
      lua.lua_pushnumber(L, readInt(c));
      return;
    case 0x24: {
      // '$'
      const n = readInt(c);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return;
      }
      pushBytes(L, b.subarray(c.pos, c.pos + n));
      c.pos += n + 2;
      return;
    }
    case 0x2b: // '+'
      lua.lua_createtable(L, 0, 1);
      setStringField(L, "ok", readLine(c));
      return;
    case 0x2d: // '-'
      pushErrorTable(L, readLine(c));
      return;
    case 0x2a: // '*'
    case 0x3e: {
      // '>'
      const n = readInt(c);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return;
      }
      lua.lua_checkstack(L, 4);
      lua.lua_createtable(L, n, 0);
      for (let i = 1; i <= n; i++) {
        pushReply(L, c);
        lua.lua_rawseti(L, -2, i);
      }
      return;
    }
    case 0x5f: // '_'
      c.pos += 2;
      lua.lua_pushnil(L);
      return;
    case 0x23: // '#'
      lua.lua_pushboolean(L, b[c.pos] === 0x74);
      c.pos += 3;
      return;
    case 0x2c: {
      // ','
      const s = dec.decode(readLine(c));
      const d = s === "inf" ? Infinity : s === "-inf" ? -Infinity : s === "nan" || s === "-nan" ? NaN : Number(s);
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushnumber(L, d);
      lua.lua_setfield(L, -2, ls("double"));
      return;
    }
    case 0x28: // '('
      lua.lua_createtable(L, 0, 1);
      setStringField(L, "big_number", readLine(c));
      return;
    case 0x3d: {
      // '='
      const n = readInt(c);
      const body = b.subarray(c.pos, c.pos + n);
      c.pos += n + 2;
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, 2);
      setStringField(L, "string", body.subarray(4));
      setStringField(L, "format", body.subarray(0, 3));
      lua.lua_setfield(L, -2, ls("verbatim_string"));
      return;
    }
    case 0x25: // '%'
    case 0x7e: {
      // '~'
      const n = readInt(c);
      lua.lua_checkstack(L, 6);
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, n);
      for (let i = 0; i < n; i++) {
        pushReply(L, c);
        if (type === 0x25) pushReply(L, c);
        else lua.lua_pushboolean(L, true);
        if (lua.lua_isnil(L, -2)) lua.lua_pop(L, 2); // a nil key cannot be stored
        else lua.lua_rawset(L, -3);
      }
      lua.lua_setfield(L, -2, ls(type === 0x25 ? "map" : "set"));
      return;
    }
    case 0x7c: {
      // '|': attributes are not passed to scripts
      const n = readInt(c);
      for (let i = 0; i < 2 * n; i++) {
        pushReply(L, c);
        lua.lua_pop(L, 1);
      }
      pushReply(L, c);
      return;
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}

/** Push Redis's error table for an error text `CODE message`. */
export function pushErrorTable(L: LuaState, text: Uint8Array | string, ignoreStats = true): void {
  lua.lua_createtable(L, 0, 2);
  if (typeof text === "string") lua.lua_pushstring(L, ls(text));
  else pushBytes(L, text);
  lua.lua_setfield(L, -2, ls("err"));
  if (ignoreStats) {
    lua.lua_pushboolean(L, true);
    lua.lua_setfield(L, -2, ls("ignore_error_stats_update"));
  }
}

const enc = new TextEncoder();
const INT64_MIN_NUM = -9223372036854775808;

/** Lua number → RESP integer as a C cast to long long does it. */
function writeNumber(out: ReplyWriter, n: number): void {
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) out.integer(t === 0 ? 0 : t);
  else if (t !== t || t >= 9223372036854775808 || t < INT64_MIN_NUM) out.integer(toInt64(NaN));
  else out.integer(BigInt(t));
}

function bytesText(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Field `name` of the table at `idx` (raw access), pushed; returns its type. */
function rawField(L: LuaState, idx: number, name: string): number {
  lua.lua_pushstring(L, ls(name));
  return lua.lua_rawget(L, idx);
}

/**
 * Write the Lua value at `idx` as a reply. `scriptResp` is the protocol the script chose with
 * `redis.setresp` (it decides how booleans convert); the writer's own `resp` is the client's.
 */
export function writeLuaValue(L: LuaState, idx: number, out: ReplyWriter, scriptResp: number, depth = 0): void {
  idx = lua.lua_absindex(L, idx);
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TSTRING:
      out.bulk(lua.lua_tolstring(L, idx)!);
      return;
    case lua.LUA_TNUMBER:
      writeNumber(out, lua.lua_tonumber(L, idx));
      return;
    case lua.LUA_TBOOLEAN: {
      const v = lua.lua_toboolean(L, idx);
      if (scriptResp === 2) {
        if (v) out.integer(1);
        else out.nullBulk();
      } else out.bool(v);
      return;
    }
    case lua.LUA_TTABLE:
      break;
    default:
      out.nullBulk();
      return;
  }
  if (depth > 1000 || !lua.lua_checkstack(L, 6)) {
    out.error("ERR reached lua stack limit");
    return;
  }
  if (rawField(L, idx, "err") === lua.LUA_TSTRING) {
    out.error(bytesText(lua.lua_tolstring(L, -1)!));
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, idx, "ok") === lua.LUA_TSTRING) {
    out.simple(bytesText(lua.lua_tolstring(L, -1)!).replace(/[\r\n]/g, " "));
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, idx, "double") === lua.LUA_TNUMBER) {
    out.double(lua.lua_tonumber(L, -1));
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, idx, "big_number") === lua.LUA_TSTRING) {
    const s = bytesText(lua.lua_tolstring(L, -1)!).replace(/[\r\n]/g, " ");
    out.bigNumber(s);
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, idx, "verbatim_string") === lua.LUA_TTABLE) {
    const t = lua.lua_gettop(L);
    const ft = rawField(L, t, "format");
    const st = rawField(L, t, "string");
    if (ft === lua.LUA_TSTRING && st === lua.LUA_TSTRING) {
      const fmt = lua.lua_tolstring(L, -2)!;
      const body = lua.lua_tolstring(L, -1)!;
      if (out.resp === 2) out.bulk(body);
      else {
        const head = enc.encode(`=${body.length + 4}\r\n`);
        out.raw(head);
        out.raw(fmt.subarray(0, 3));
        out.raw(COLON);
        out.raw(body);
        out.raw(CRLF);
      }
      lua.lua_pop(L, 3);
      return;
    }
    lua.lua_pop(L, 2);
  }
  lua.lua_pop(L, 1);
  if (rawField(L, idx, "map") === lua.LUA_TTABLE) {
    const t = lua.lua_gettop(L);
    let n = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, t)) {
      n++;
      lua.lua_pop(L, 1);
    }
    out.mapLen(n);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, t)) {
      writeLuaValue(L, -2, out, scriptResp, depth + 1);
      writeLuaValue(L, -1, out, scriptResp, depth + 1);
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  if (rawField(L, idx, "set") === lua.LUA_TTABLE) {
    const t = lua.lua_gettop(L);
    let n = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, t)) {
      n++;
      lua.lua_pop(L, 1);
    }
    out.setLen(n);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, t)) {
      writeLuaValue(L, -2, out, scriptResp, depth + 1);
      lua.lua_pop(L, 1);
    }
    lua.lua_pop(L, 1);
    return;
  }
  lua.lua_pop(L, 1);
  // An array: elements 1..n up to the first nil.
  let n = 0;
  while (lua.lua_rawgeti(L, idx, n + 1) !== lua.LUA_TNIL) {
    lua.lua_pop(L, 1);
    n++;
  }
  lua.lua_pop(L, 1);
  out.arrayLen(n);
  for (let i = 1; i <= n; i++) {
    lua.lua_rawgeti(L, idx, i);
    writeLuaValue(L, -1, out, scriptResp, depth + 1);
    lua.lua_pop(L, 1);
  }
}

const COLON = new Uint8Array([0x3a]);
const CRLF = new Uint8Array([13, 10]);
