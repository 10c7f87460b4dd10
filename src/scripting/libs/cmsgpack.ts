/**
 * The `cmsgpack` library (lua-cmsgpack 0.4.0 as Redis ships it): MessagePack pack/unpack.
 * Numbers equal to their int64 cast pack as the smallest integer type, others as float32 when
 * exact, else float64; strings as fixstr/str8/str16/str32; tables whose keys are exactly 1..n
 * (empty included) as arrays, others as maps; nesting deeper than 16 packs as nil. Unpacking
 * rejects bin and ext types (0.4.0 predates them); `unpack_one`/`unpack_limit` return the next offset first
 * (-1 once the input is consumed).
 */
import { lauxlib, lua, ls, pushBytes, raise, setFn, type LuaState } from "../lua.ts";

const MAX_NESTING = 16;
const dv = new DataView(new ArrayBuffer(8));

class Buf {
  bytes: number[] = [];
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  be(v: bigint, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
  }
  raw(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!);
  }
}

function isInt64(n: number): boolean {
  return Number.isFinite(n) && Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808;
}

function encodeInt(buf: Buf, n: bigint): void {
  if (n >= 0n) {
    if (n <= 127n) buf.u8(Number(n));
    else if (n <= 0xffn) {
      buf.u8(0xcc);
      buf.be(n, 1);
    } else if (n <= 0xffffn) {
      buf.u8(0xcd);
      buf.be(n, 2);
    } else if (n <= 0xffffffffn) {
      buf.u8(0xce);
      buf.be(n, 4);
    } else {
      buf.u8(0xcf);
      buf.be(n, 8);
    }
  } else {
    const u = BigInt.asUintN(64, n);
    if (n >= -32n) buf.u8(Number(u & 0xffn));
    else if (n >= -128n) {
      buf.u8(0xd0);
      buf.be(u, 1);
    } else if (n >= -32768n) {
      buf.u8(0xd1);
      buf.be(u, 2);
    } else if (n >= -2147483648n) {
      buf.u8(0xd2);
      buf.be(u, 4);
    } else {
      buf.u8(0xd3);
      buf.be(u, 8);
    }
  }
}

function encodeDouble(buf: Buf, d: number): void {
  if (Math.fround(d) === d) {
    dv.setFloat32(0, d);
    buf.u8(0xca);
    for (let i = 0; i < 4; i++) buf.u8(dv.getUint8(i));
  } else {
    dv.setFloat64(0, d);
    buf.u8(0xcb);
    for (let i = 0; i < 8; i++) buf.u8(dv.getUint8(i));
  }
}

function encodeBytes(buf: Buf, b: Uint8Array): void {
  const n = b.length;
  if (n < 32) buf.u8(0xa0 | n);
  else if (n <= 0xff) {
    buf.u8(0xd9);
    buf.u8(n);
  } else if (n <= 0xffff) {
    buf.u8(0xda);
    buf.be(BigInt(n), 2);
  } else {
    buf.u8(0xdb);
    buf.be(BigInt(n), 4);
  }
  buf.raw(b);
}

function isArray(L: LuaState, t: number): boolean {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t)) {
    lua.lua_pop(L, 1);
    const n = lua.lua_type(L, -1) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : 0;
    if (n <= 0 || !Number.isInteger(n)) {
      lua.lua_pop(L, 1);
      return false;
    }
    if (n > max) max = n;
    count++;
  }
  return max === count;
}

function encodeValue(L: LuaState, buf: Buf, idx: number, level: number): void {
  idx = lua.lua_absindex(L, idx);
  let t = lua.lua_type(L, idx);
  if (t === lua.LUA_TTABLE && level === MAX_NESTING) t = lua.LUA_TNIL;
  switch (t) {
    case lua.LUA_TSTRING:
      encodeBytes(buf, lua.lua_tolstring(L, idx)!);
      return;
    case lua.LUA_TBOOLEAN:
      buf.u8(lua.lua_toboolean(L, idx) ? 0xc3 : 0xc2);
      return;
    case lua.LUA_TNUMBER: {
      const n = lua.lua_tonumber(L, idx);
      if (isInt64(n)) encodeInt(buf, BigInt(n));
      else encodeDouble(buf, n);
      return;
    }
    case lua.LUA_TTABLE: {
      lauxlib.luaL_checkstack(L, 4, "in function mp_encode_lua_table");
      if (isArray(L, idx)) {
        const len = lua.lua_rawlen(L, idx);
        if (len < 16) buf.u8(0x90 | len);
        else if (len <= 0xffff) {
          buf.u8(0xdc);
          buf.be(BigInt(len), 2);
        } else {
          buf.u8(0xdd);
          buf.be(BigInt(len), 4);
        }
        for (let j = 1; j <= len; j++) {
          lua.lua_pushnumber(L, j);
          lua.lua_gettable(L, idx);
          encodeValue(L, buf, -1, level + 1);
          lua.lua_pop(L, 1);
        }
      } else {
        let n = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, idx)) {
          lua.lua_pop(L, 1);
          n++;
        }
        if (n < 16) buf.u8(0x80 | n);
        else if (n <= 0xffff) {
          buf.u8(0xde);
          buf.be(BigInt(n), 2);
        } else {
          buf.u8(0xdf);
          buf.be(BigInt(n), 4);
        }
        lua.lua_pushnil(L);
        while (lua.lua_next(L, idx)) {
          encodeValue(L, buf, -2, level + 1);
          encodeValue(L, buf, -1, level + 1);
          lua.lua_pop(L, 1);
        }
      }
      return;
    }
    default:
      buf.u8(0xc0);
  }
}

function pack(L: LuaState): number {
  const n = lua.lua_gettop(L);
  if (n === 0) return lauxlib.luaL_argerror(L, 0, ls("MessagePack pack needs input."));
  const buf = new Buf();
  for (let i = 1; i <= n; i++) encodeValue(L, buf, i, 0);
  pushBytes(L, Uint8Array.from(buf.bytes));
  return 1;
}

// -------------------------------------------------------------------------------------------------
// Decoding

const EOF = 1;
const BADFMT = 2;

interface Cur {
  b: Uint8Array;
  p: number;
  err: number;
}

function need(c: Cur, n: number): boolean {
  if (c.b.length - c.p < n) {
    c.err = EOF;
    return false;
  }
  return true;
}

function beU(c: Cur, n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(c.b[c.p + i]!);
  return v;
}

function decodeValue(L: LuaState, c: Cur): void {
  if (!need(c, 1)) return;
  const t = c.b[c.p]!;
  lauxlib.luaL_checkstack(L, 3, "too many nested values");
  const sized = (hdr: number): number => {
    if (!need(c, 1 + hdr)) return -1;
    const v = Number(beU({ b: c.b, p: c.p + 1, err: 0 }, hdr));
    c.p += 1 + hdr;
    return v;
  };
  const str = (len: number) => {
    if (len < 0) return;
    if (!need(c, len)) return;
    pushBytes(L, c.b.subarray(c.p, c.p + len));
    c.p += len;
  };
  const arr = (len: number) => {
    if (len < 0) return;
    lua.lua_newtable(L);
    for (let i = 1; i <= len && c.err === 0; i++) {
      lua.lua_pushnumber(L, i);
      decodeValue(L, c);
      if (c.err !== 0) return;
      lua.lua_settable(L, -3);
    }
  };
  const map = (len: number) => {
    if (len < 0) return;
    lua.lua_newtable(L);
    for (let i = 0; i < len && c.err === 0; i++) {
      decodeValue(L, c);
      if (c.err !== 0) return;
      decodeValue(L, c);
      if (c.err !== 0) return;
      lua.lua_settable(L, -3);
    }
  };
  if (t <= 0x7f) {
    lua.lua_pushnumber(L, t);
    c.p++;
    return;
  }
  if (t >= 0xe0) {
    lua.lua_pushnumber(L, t - 256);
    c.p++;
    return;
  }
  if ((t & 0xe0) === 0xa0) {
    c.p++;
    return str(t & 0x1f);
  }
  if ((t & 0xf0) === 0x90) {
    c.p++;
    return arr(t & 0x0f);
  }
  if ((t & 0xf0) === 0x80) {
    c.p++;
    return map(t & 0x0f);
  }
  switch (t) {
    case 0xc0:
      lua.lua_pushnil(L);
      c.p++;
      return;
    case 0xc2:
    case 0xc3:
      lua.lua_pushboolean(L, t === 0xc3);
      c.p++;
      return;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {
      const n = 1 << (t - 0xcc);
      if (!need(c, 1 + n)) return;
      c.p++;
      lua.lua_pushnumber(L, Number(beU(c, n)));
      c.p += n;
      return;
    }
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const n = 1 << (t - 0xd0);
      if (!need(c, 1 + n)) return;
      c.p++;
      lua.lua_pushnumber(L, Number(BigInt.asIntN(n * 8, beU(c, n))));
      c.p += n;
      return;
    }
    case 0xca:
    case 0xcb: {
      const n = t === 0xca ? 4 : 8;
      if (!need(c, 1 + n)) return;
      for (let i = 0; i < n; i++) dv.setUint8(i, c.b[c.p + 1 + i]!);
      lua.lua_pushnumber(L, n === 4 ? dv.getFloat32(0) : dv.getFloat64(0));
      c.p += 1 + n;
      return;
    }
    case 0xd9:
      return str(sized(1));
    case 0xda:
      return str(sized(2));
    case 0xdb:
      return str(sized(4));
    case 0xdc:
      return arr(sized(2));
    case 0xdd:
      return arr(sized(4));
    case 0xde:
      return map(sized(2));
    case 0xdf:
      return map(sized(4));
    default:
      c.err = BADFMT;
  }
}

function unpackFull(L: LuaState, limit: number, offset: number): number {
  const s = lauxlib.luaL_checklstring(L, 1);
  const decodeAll = limit === 0 && offset === 0;
  if (offset < 0 || limit < 0) raise(L, `Invalid request to unpack with offset of ${offset} and limit of ${s.length}.`);
  else if (offset > s.length) raise(L, `Start offset ${offset} greater than input length ${s.length}.`);
  if (decodeAll) limit = 2147483647;
  lua.lua_settop(L, 1);
  const c: Cur = { b: s, p: offset, err: 0 };
  let cnt = 0;
  for (; c.p < s.length && cnt < limit; cnt++) {
    const top = lua.lua_gettop(L);
    decodeValue(L, c);
    if (c.err === EOF) {
      lua.lua_settop(L, top);
      raise(L, "Missing bytes in input.");
    } else if (c.err === BADFMT) {
      lua.lua_settop(L, top);
      raise(L, "Bad data format in input.");
    }
  }
  if (!decodeAll) {
    lua.lua_pushnumber(L, c.p >= s.length ? -1 : c.p);
    lua.lua_insert(L, 2);
    cnt++;
  }
  return cnt;
}

/** Install the `cmsgpack` global. */
export function installCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  const M = lua.lua_gettop(L);
  setFn(L, M, "pack", pack);
  setFn(L, M, "unpack", (L2) => unpackFull(L2, 0, 0));
  setFn(L, M, "unpack_one", (L2) => unpackFull(L2, 1, lauxlib.luaL_optinteger(L2, 2, 0)));
  setFn(L, M, "unpack_limit", (L2) => unpackFull(L2, lauxlib.luaL_checkinteger(L2, 2), lauxlib.luaL_optinteger(L2, 3, 0)));
  for (const [k, v] of [
    ["_NAME", "cmsgpack"],
    ["_VERSION", "lua-cmsgpack 0.4.0"],
    ["_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"],
    ["_DESCRIPTION", "MessagePack C implementation for Lua"],
  ] as const) {
    lua.lua_pushstring(L, ls(v));
    lua.lua_setfield(L, M, ls(k));
  }
  lua.lua_setglobal(L, ls("cmsgpack"));
}
