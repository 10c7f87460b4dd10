/**
 * The `struct` library (Roberto Ierusalimschy's struct 0.2, as Redis ships it): binary packing
 * of numbers and strings. Formats: `<` `>` endianness (default little), `!n` alignment, `x` pad
 * byte, `b/B h/H l/L T i/In I/In` integers (1, 2, 8, 8, n bytes; n ≤ 32), `f` float, `d` double,
 * `cn` fixed string (`c0`: length from the previous value), `s` zero-terminated string.
 * Integers go through 64-bit two's complement as the C library does.
 */
import { lauxlib, lua, ls, newLib, pushBytes, raise, type LuaState } from "../lua.ts";

const MAXINTSIZE = 32;
const MAXALIGN = 8;

interface Header {
  little: boolean;
  align: number;
}

interface Fmt {
  s: Uint8Array;
  i: number;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function getnum(f: Fmt, def: number): number {
  if (!isDigit(f.s[f.i])) return def;
  let a = 0;
  do {
    a = a * 10 + (f.s[f.i++]! - 48);
  } while (isDigit(f.s[f.i]) && a <= (2147483647 - 9) / 10);
  return a;
}

/** Size of option `opt` (consuming its count); 0 for control options. */
function optsize(L: LuaState, opt: number, f: Fmt): number {
  switch (String.fromCharCode(opt)) {
    case "B":
    case "b":
      return 1;
    case "H":
    case "h":
      return 2;
    case "L":
    case "l":
      return 8;
    case "T":
      return 8;
    case "f":
      return 4;
    case "d":
      return 8;
    case "x":
      return 1;
    case "c":
      return getnum(f, 1);
    case "i":
    case "I": {
      const sz = getnum(f, 4);
      if (sz > MAXINTSIZE) raise(L, `integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    default:
      return 0;
  }
}

function toalign(len: number, h: Header, opt: number, size: number): number {
  if (size === 0 || opt === 99 /* c */) return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function controloptions(L: LuaState, opt: number, f: Fmt, h: Header): void {
  switch (String.fromCharCode(opt)) {
    case " ":
      return;
    case ">":
      h.little = false;
      return;
    case "<":
      h.little = true;
      return;
    case "!": {
      const a = getnum(f, MAXALIGN);
      if ((a & (a - 1)) !== 0) raise(L, `alignment ${a} is not a power of 2`);
      h.align = a;
      return;
    }
    default:
      lauxlib.luaL_argerror(L, 1, ls(`invalid format option '${String.fromCharCode(opt)}'`));
  }
}

function putInteger(out: number[], n: number, little: boolean, size: number): void {
  let v: bigint;
  if (n !== n || n >= 18446744073709551616 || n <= -9223372036854775809) v = 1n << 63n;
  else v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    bytes.push(Number(v & 0xffn));
    v >>= 8n;
  }
  if (!little) bytes.reverse();
  for (const b of bytes) out.push(b);
}

function getInteger(b: Uint8Array, pos: number, little: boolean, signed: boolean, size: number): number {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const byte = b[little ? pos + size - 1 - i : pos + i]!;
    v = BigInt.asUintN(64, (v << 8n) | BigInt(byte));
  }
  if (signed && size <= 8) v = BigInt.asIntN(size * 8, v);
  else if (signed) v = BigInt.asIntN(64, v);
  return Number(v);
}

const fbuf = new DataView(new ArrayBuffer(8));

function pack(L: LuaState): number {
  const fmt: Fmt = { s: lauxlib.luaL_checklstring(L, 1), i: 0 };
  const h: Header = { little: true, align: 1 };
  let arg = 2;
  let total = 0;
  const out: number[] = [];
  while (fmt.i < fmt.s.length) {
    const opt = fmt.s[fmt.i++]!;
    let size = optsize(L, opt, fmt);
    let pad = toalign(total, h, opt, size);
    total += pad;
    while (pad-- > 0) out.push(0);
    switch (String.fromCharCode(opt)) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I":
        putInteger(out, lauxlib.luaL_checknumber(L, arg++), h.little, size);
        break;
      case "x":
        out.push(0);
        break;
      case "f":
      case "d": {
        const n = lauxlib.luaL_checknumber(L, arg++);
        if (size === 4) fbuf.setFloat32(0, n, h.little);
        else fbuf.setFloat64(0, n, h.little);
        for (let i = 0; i < size; i++) out.push(fbuf.getUint8(i));
        break;
      }
      case "c":
      case "s": {
        const s = lauxlib.luaL_checklstring(L, arg++);
        if (size === 0) size = s.length;
        lauxlib.luaL_argcheck(L, s.length >= size, arg, "string too short");
        for (let i = 0; i < size; i++) out.push(s[i]!);
        if (opt === 115 /* s */) {
          out.push(0);
          size++;
        }
        break;
      }
      default:
        controloptions(L, opt, fmt, h);
    }
    total += size;
  }
  pushBytes(L, Uint8Array.from(out));
  return 1;
}

function unpack(L: LuaState): number {
  const fmt: Fmt = { s: lauxlib.luaL_checklstring(L, 1), i: 0 };
  const data = lauxlib.luaL_checklstring(L, 2);
  const ld = data.length;
  let pos = lauxlib.luaL_optinteger(L, 3, 1) - 1;
  lauxlib.luaL_argcheck(L, pos >= 0 && pos <= ld, 3, "offset must be 1 or greater");
  const h: Header = { little: true, align: 1 };
  let n = 0;
  while (fmt.i < fmt.s.length) {
    const opt = fmt.s[fmt.i++]!;
    let size = optsize(L, opt, fmt);
    pos += toalign(pos, h, opt, size);
    lauxlib.luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
    lauxlib.luaL_checkstack(L, 2, "too many results");
    switch (String.fromCharCode(opt)) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I":
        lua.lua_pushnumber(L, getInteger(data, pos, h.little, opt >= 97, size));
        n++;
        break;
      case "x":
        break;
      case "f":
      case "d": {
        for (let i = 0; i < size; i++) fbuf.setUint8(i, data[pos + i]!);
        lua.lua_pushnumber(L, size === 4 ? fbuf.getFloat32(0, h.little) : fbuf.getFloat64(0, h.little));
        n++;
        break;
      }
      case "c": {
        if (size === 0) {
          if (n === 0 || !lua.lua_isnumber(L, -1)) raise(L, "format 'c0' needs a previous size");
          size = lua.lua_tonumber(L, -1);
          lua.lua_pop(L, 1);
          n--;
          lauxlib.luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        }
        pushBytes(L, data.subarray(pos, pos + size));
        n++;
        break;
      }
      case "s": {
        const e = data.indexOf(0, pos);
        if (e < 0) raise(L, "unfinished string in data");
        size = e - pos + 1;
        pushBytes(L, data.subarray(pos, e));
        n++;
        break;
      }
      default:
        controloptions(L, opt, fmt, h);
    }
    pos += size;
  }
  lua.lua_pushnumber(L, pos + 1);
  return n + 1;
}

function size(L: LuaState): number {
  const fmt: Fmt = { s: lauxlib.luaL_checklstring(L, 1), i: 0 };
  const h: Header = { little: true, align: 1 };
  let total = 0;
  while (fmt.i < fmt.s.length) {
    const opt = fmt.s[fmt.i++]!;
    const sz = optsize(L, opt, fmt);
    total += toalign(total, h, opt, sz);
    if (opt === 115 /* s */) lauxlib.luaL_argerror(L, 1, ls("option 's' has no fixed size"));
    else if (opt === 99 /* c */ && sz === 0) lauxlib.luaL_argerror(L, 1, ls("option 'c0' has no fixed size"));
    if (sz === 0) controloptions(L, opt, fmt, h);
    total += sz;
  }
  lua.lua_pushnumber(L, total);
  return 1;
}

/** Install the `struct` global. */
export function installStruct(L: LuaState): void {
  newLib(L, { pack, unpack, size });
  lua.lua_setglobal(L, ls("struct"));
}

