/**
 * The `cjson` library (lua-cjson 2.1.0 as Redis 7.0 ships it). Encode: strings escaped like
 * lua-cjson (`/` as `\/`, control characters as \uXXXX, bytes ≥ 0x80 raw), numbers with
 * "%.<encode_number_precision>g" (14 by default), tables as arrays when every key is a positive
 * integer (holes as null, "excessively sparse" past the sparse ratio), else objects (empty
 * tables are `{}`); nested depth limits. Decode: lua-cjson's tokenizer with its error texts
 * ("Expected value but found invalid token at character 1"), strtod numbers (hex, inf and nan
 * accepted as lua-cjson's decode_invalid_numbers default allows), null as `cjson.null`.
 * Settings live per library instance (`cjson.new()` makes another).
 */
import { formatFloat, type FormatSpec } from "../printf.ts";
import { lauxlib, latin1, latin1Bytes, lua, ls, pushBytes, raise, setFn, type LuaState } from "../lua.ts";

interface CjsonConfig {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  precision: number;
  encodeInvalid: number; // 0 off, 1 on, 2 "null"
  decodeInvalid: boolean;
  keepBuffer: boolean;
}

function defaults(): CjsonConfig {
  return { sparseConvert: false, sparseRatio: 2, sparseSafe: 10, encodeMaxDepth: 1000, decodeMaxDepth: 1000, precision: 14, encodeInvalid: 0, decodeInvalid: true, keepBuffer: true };
}

// -------------------------------------------------------------------------------------------------
// Encoding

const ESCAPES: string[] = [];
for (let c = 0; c < 256; c++) {
  if (c < 0x20 || c === 0x7f) ESCAPES.push("\\u" + c.toString(16).padStart(4, "0"));
  else ESCAPES.push("");
}
ESCAPES[8] = "\\b";
ESCAPES[9] = "\\t";
ESCAPES[10] = "\\n";
ESCAPES[12] = "\\f";
ESCAPES[13] = "\\r";
ESCAPES[34] = '\\"';
ESCAPES[92] = "\\\\";
ESCAPES[47] = "\\/";

function encodeString(b: Uint8Array, out: string[]): void {
  let s = '"';
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    const e = ESCAPES[b[i]!]!;
    if (e !== "") {
      if (i > start) s += latin1(b.subarray(start, i));
      s += e;
      start = i + 1;
    }
  }
  if (b.length > start) s += latin1(b.subarray(start));
  out.push(s + '"');
}

function encodeNumber(L: LuaState, cfg: CjsonConfig, n: number, out: string[]): void {
  if (!Number.isFinite(n)) {
    if (cfg.encodeInvalid === 0) raise(L, "Cannot serialise number: must not be NaN or Inf");
    if (cfg.encodeInvalid === 2) {
      out.push("null");
      return;
    }
    out.push(n !== n ? "nan" : n > 0 ? "inf" : "-inf");
    return;
  }
  out.push(numberText(n, cfg.precision));
}

function numberText(n: number, precision: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e14 && precision >= 14) return n === 0 && 1 / n < 0 ? "-0" : String(n);
  const spec: FormatSpec = { minus: false, plus: false, space: false, alt: false, zero: false, width: 0, prec: precision, conv: "g" };
  return formatFloat(n, spec);
}

function typeName(L: LuaState, idx: number): string {
  return latin1(lauxlib.luaL_typename(L, idx));
}

/** -1 when not an array (a non positive-integer key), else the max index (0 for empty). */
function arrayLength(L: LuaState, cfg: CjsonConfig, t: number): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, t)) {
    if (lua.lua_type(L, -2) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (Number.isInteger(k) && k >= 1) {
        if (k > max) max = k;
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) raise(L, "Cannot serialise table: excessively sparse array");
    return -1;
  }
  return max;
}

function encodeValue(L: LuaState, cfg: CjsonConfig, idx: number, depth: number, out: string[]): void {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TSTRING:
      encodeString(lua.lua_tolstring(L, idx)!, out);
      return;
    case lua.LUA_TNUMBER:
      encodeNumber(L, cfg, lua.lua_tonumber(L, idx), out);
      return;
    case lua.LUA_TBOOLEAN:
      out.push(lua.lua_toboolean(L, idx) ? "true" : "false");
      return;
    case lua.LUA_TNIL:
      out.push("null");
      return;
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, idx) === null) {
        out.push("null");
        return;
      }
      break;
    case lua.LUA_TTABLE: {
      depth++;
      if (depth > cfg.encodeMaxDepth) raise(L, `Cannot serialise, excessive nesting (${depth})`);
      lauxlib.luaL_checkstack(L, 6, "");
      const t = lua.lua_absindex(L, idx);
      const len = arrayLength(L, cfg, t);
      if (len > 0) {
        out.push("[");
        for (let i = 1; i <= len; i++) {
          if (i > 1) out.push(",");
          lua.lua_rawgeti(L, t, i);
          encodeValue(L, cfg, -1, depth, out);
          lua.lua_pop(L, 1);
        }
        out.push("]");
        return;
      }
      out.push("{");
      let first = true;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, t)) {
        if (!first) out.push(",");
        first = false;
        const kt = lua.lua_type(L, -2);
        if (kt === lua.LUA_TSTRING) encodeString(lua.lua_tolstring(L, -2)!, out);
        else if (kt === lua.LUA_TNUMBER) {
          const n = lua.lua_tonumber(L, -2);
          out.push('"');
          encodeNumber(L, cfg, n, out);
          out.push('"');
        } else raise(L, `Cannot serialise ${typeName(L, -2)}: table key must be a number or string`);
        out.push(":");
        encodeValue(L, cfg, -1, depth, out);
        lua.lua_pop(L, 1);
      }
      out.push("}");
      return;
    }
  }
  raise(L, `Cannot serialise ${typeName(L, idx)}: type not supported`);
}

// -------------------------------------------------------------------------------------------------
// Decoding

const T_OBJ_BEGIN = 0;
const T_OBJ_END = 1;
const T_ARR_BEGIN = 2;
const T_ARR_END = 3;
const T_STRING = 4;
const T_NUMBER = 5;
const T_BOOLEAN = 6;
const T_NULL = 7;
const T_COLON = 8;
const T_COMMA = 9;
const T_END = 10;
const T_ERROR = 12;
const TOKEN_NAMES = ["T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"];

interface Token {
  type: number;
  index: number;
  str: Uint8Array | null;
  num: number;
  bool: boolean;
  err: string;
}

interface Parser {
  L: LuaState;
  cfg: CjsonConfig;
  b: Uint8Array;
  p: number;
  depth: number;
}

function at(ps: Parser, i: number): number {
  return i < ps.b.length ? ps.b[i]! : 0;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function startsWith(ps: Parser, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (at(ps, ps.p + i) !== word.charCodeAt(i)) return false;
  return true;
}

function startsWithCI(ps: Parser, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((at(ps, ps.p + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

function isInvalidNumber(ps: Parser): boolean {
  const c = at(ps, ps.p);
  if (c === 48) {
    const c2 = at(ps, ps.p + 1);
    return (c2 | 0x20) === 120 || (c2 >= 48 && c2 <= 57);
  }
  if (c <= 57) return false;
  return startsWithCI(ps, "inf") || startsWithCI(ps, "nan");
}

/** strtod at the parser position: returns [value, length] (length 0 when nothing parsed). */
function strtod(ps: Parser): [number, number] {
  const rest = latin1(ps.b.subarray(ps.p, Math.min(ps.b.length, ps.p + 400)));
  let m = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/.exec(rest);
  if (m !== null) {
    const s = m[0];
    const neg = s[0] === "-";
    const body = s.replace(/^[+-]?0[xX]/, "");
    const [mant, exp] = body.split(/[pP]/);
    const [ip, fp] = (mant ?? "").split(".");
    let v = 0;
    for (const ch of ip ?? "") v = v * 16 + parseInt(ch, 16);
    let scale = 1 / 16;
    for (const ch of fp ?? "") {
      v += parseInt(ch, 16) * scale;
      scale /= 16;
    }
    if (exp !== undefined) v *= 2 ** Number(exp);
    return [neg ? -v : v, s.length];
  }
  m = /^[+-]?(?:inf(?:inity)?|nan)/i.exec(rest);
  if (m !== null) {
    const neg = m[0][0] === "-";
    const v = /nan/i.test(m[0]) ? NaN : Infinity;
    return [neg ? -v : v, m[0].length];
  }
  m = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest);
  if (m === null) return [0, 0];
  return [Number(m[0]), m[0].length];
}

const ESC2CHAR: Record<number, number> = { 34: 34, 92: 92, 47: 47, 98: 8, 116: 9, 110: 10, 102: 12, 114: 13 };

function hex4(ps: Parser, i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = at(ps, i + k);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

function utf8Push(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

function setError(ps: Parser, t: Token, msg: string): void {
  t.type = T_ERROR;
  t.index = ps.p;
  t.err = msg;
}

function stringToken(ps: Parser, t: Token): void {
  ps.p++;
  const out: number[] = [];
  for (;;) {
    let c = at(ps, ps.p);
    if (c === 34) break;
    if (c === 0) return setError(ps, t, "unexpected end of string");
    if (c === 92) {
      const e = at(ps, ps.p + 1);
      if (e === 117) {
        const cp = hex4(ps, ps.p + 2);
        if (cp < 0 || (cp >= 0xdc00 && cp <= 0xdfff)) return setError(ps, t, "invalid unicode escape code");
        if (cp >= 0xd800 && cp <= 0xdbff) {
          if (at(ps, ps.p + 6) !== 92 || at(ps, ps.p + 7) !== 117) return setError(ps, t, "invalid unicode escape code");
          const lo = hex4(ps, ps.p + 8);
          if (lo < 0xdc00 || lo > 0xdfff) return setError(ps, t, "invalid unicode escape code");
          utf8Push(out, (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000);
          ps.p += 12;
        } else {
          utf8Push(out, cp);
          ps.p += 6;
        }
        continue;
      }
      const ch = ESC2CHAR[e];
      if (ch === undefined) return setError(ps, t, "invalid escape code");
      c = ch;
      ps.p++;
    }
    out.push(c);
    ps.p++;
  }
  ps.p++;
  t.type = T_STRING;
  t.str = Uint8Array.from(out);
}

function nextToken(ps: Parser, t: Token): void {
  while (isSpace(at(ps, ps.p))) ps.p++;
  t.index = ps.p;
  const c = at(ps, ps.p);
  switch (c) {
    case 123:
      t.type = T_OBJ_BEGIN;
      ps.p++;
      return;
    case 125:
      t.type = T_OBJ_END;
      ps.p++;
      return;
    case 91:
      t.type = T_ARR_BEGIN;
      ps.p++;
      return;
    case 93:
      t.type = T_ARR_END;
      ps.p++;
      return;
    case 58:
      t.type = T_COLON;
      ps.p++;
      return;
    case 44:
      t.type = T_COMMA;
      ps.p++;
      return;
    case 0:
      t.type = T_END;
      return;
    case 34:
      return stringToken(ps, t);
  }
  const unknown = c === 45 || c === 43 || (c >= 48 && c <= 57) || c === 105 || c === 73 || c === 110 || c === 78 || c === 116 || c === 102;
  if (!unknown) return setError(ps, t, "invalid token");
  if (c === 45 || c === 43 || (c >= 48 && c <= 57)) {
    if (!ps.cfg.decodeInvalid && isInvalidNumber(ps)) return setError(ps, t, "invalid number");
    return numberToken(ps, t);
  }
  if (startsWith(ps, "true")) {
    t.type = T_BOOLEAN;
    t.bool = true;
    ps.p += 4;
    return;
  }
  if (startsWith(ps, "false")) {
    t.type = T_BOOLEAN;
    t.bool = false;
    ps.p += 5;
    return;
  }
  if (startsWith(ps, "null")) {
    t.type = T_NULL;
    ps.p += 4;
    return;
  }
  if (ps.cfg.decodeInvalid && isInvalidNumber(ps)) return numberToken(ps, t);
  setError(ps, t, "invalid token");
}

function numberToken(ps: Parser, t: Token): void {
  t.type = T_NUMBER;
  const [v, n] = strtod(ps);
  if (n === 0) return setError(ps, t, "invalid number");
  t.num = v;
  ps.p += n;
}

function parseError(ps: Parser, expected: string, t: Token): never {
  const found = t.type === T_ERROR ? t.err : TOKEN_NAMES[t.type]!;
  return raise(ps.L, `Expected ${expected} but found ${found} at character ${t.index + 1}`);
}

function descend(ps: Parser, t: Token): void {
  ps.depth++;
  if (ps.depth > ps.cfg.decodeMaxDepth) raise(ps.L, `Found too many nested data structures (${ps.depth}) at character ${t.index + 1}`);
  lauxlib.luaL_checkstack(ps.L, 3, "");
}

/** The token's type, read fresh (nextToken mutates the token behind the type checker's back). */
function tokenType(t: Token): number {
  return t.type;
}

function processValue(ps: Parser, t: Token): void {
  const L = ps.L;
  switch (t.type) {
    case T_STRING:
      pushBytes(L, t.str!);
      return;
    case T_NUMBER:
      lua.lua_pushnumber(L, t.num);
      return;
    case T_BOOLEAN:
      lua.lua_pushboolean(L, t.bool);
      return;
    case T_NULL:
      lua.lua_pushlightuserdata(L, null);
      return;
    case T_OBJ_BEGIN: {
      descend(ps, t);
      lua.lua_newtable(L);
      nextToken(ps, t);
      if (tokenType(t) === T_OBJ_END) {
        ps.depth--;
        return;
      }
      for (;;) {
        if (tokenType(t) !== T_STRING) parseError(ps, "object key string", t);
        pushBytes(L, t.str!);
        nextToken(ps, t);
        if (tokenType(t) !== T_COLON) parseError(ps, "colon", t);
        nextToken(ps, t);
        processValue(ps, t);
        lua.lua_rawset(L, -3);
        nextToken(ps, t);
        if (tokenType(t) === T_OBJ_END) {
          ps.depth--;
          return;
        }
        if (tokenType(t) !== T_COMMA) parseError(ps, "comma or object end", t);
        nextToken(ps, t);
      }
    }
    case T_ARR_BEGIN: {
      descend(ps, t);
      lua.lua_newtable(L);
      nextToken(ps, t);
      if (tokenType(t) === T_ARR_END) {
        ps.depth--;
        return;
      }
      for (let i = 1; ; i++) {
        processValue(ps, t);
        lua.lua_rawseti(L, -2, i);
        nextToken(ps, t);
        if (tokenType(t) === T_ARR_END) {
          ps.depth--;
          return;
        }
        if (tokenType(t) !== T_COMMA) parseError(ps, "comma or array end", t);
        nextToken(ps, t);
      }
    }
    default:
      parseError(ps, "value", t);
  }
}

// -------------------------------------------------------------------------------------------------
// The module

function optBool(L: LuaState, idx: number, cur: boolean): boolean {
  if (lua.lua_isnoneornil(L, idx)) return cur;
  if (lua.lua_type(L, idx) === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx);
  const s = latin1(lauxlib.luaL_checklstring(L, idx));
  if (s === "on") return true;
  if (s === "off") return false;
  return lauxlib.luaL_argerror(L, idx, ls(`invalid option '${s}'`));
}

function optInt(L: LuaState, idx: number, cur: number, min: number, max: number): number {
  if (lua.lua_isnoneornil(L, idx)) return cur;
  const v = lauxlib.luaL_checkinteger(L, idx);
  if (v < min || v > max) lauxlib.luaL_argerror(L, idx, ls(`expected integer between ${min} and ${max}`));
  return v;
}

function pushModule(L: LuaState): void {
  const cfg = defaults();
  lua.lua_createtable(L, 0, 16);
  const M = lua.lua_gettop(L);
  setFn(L, M, "encode", (L2) => {
    lauxlib.luaL_argcheck(L2, lua.lua_gettop(L2) === 1, 1, "expected 1 argument");
    const out: string[] = [];
    encodeValue(L2, cfg, 1, 0, out);
    pushBytes(L2, latin1Bytes(out.join("")));
    return 1;
  });
  setFn(L, M, "decode", (L2) => {
    lauxlib.luaL_argcheck(L2, lua.lua_gettop(L2) === 1, 1, "expected 1 argument");
    const b = lauxlib.luaL_checklstring(L2, 1);
    if (b.length >= 2 && (b[0] === 0 || b[1] === 0)) raise(L2, "JSON parser does not support UTF-16 or UTF-32");
    const ps: Parser = { L: L2, cfg, b, p: 0, depth: 0 };
    const t: Token = { type: T_END, index: 0, str: null, num: 0, bool: false, err: "" };
    nextToken(ps, t);
    processValue(ps, t);
    nextToken(ps, t);
    if (t.type !== T_END) parseError(ps, "the end", t);
    return 1;
  });
  setFn(L, M, "encode_sparse_array", (L2) => {
    cfg.sparseConvert = optBool(L2, 1, cfg.sparseConvert);
    cfg.sparseRatio = optInt(L2, 2, cfg.sparseRatio, 0, 2147483647);
    cfg.sparseSafe = optInt(L2, 3, cfg.sparseSafe, 0, 2147483647);
    lua.lua_pushboolean(L2, cfg.sparseConvert);
    lua.lua_pushnumber(L2, cfg.sparseRatio);
    lua.lua_pushnumber(L2, cfg.sparseSafe);
    return 3;
  });
  setFn(L, M, "encode_max_depth", (L2) => {
    cfg.encodeMaxDepth = optInt(L2, 1, cfg.encodeMaxDepth, 1, 2147483647);
    lua.lua_pushnumber(L2, cfg.encodeMaxDepth);
    return 1;
  });
  setFn(L, M, "decode_max_depth", (L2) => {
    cfg.decodeMaxDepth = optInt(L2, 1, cfg.decodeMaxDepth, 1, 2147483647);
    lua.lua_pushnumber(L2, cfg.decodeMaxDepth);
    return 1;
  });
  setFn(L, M, "encode_number_precision", (L2) => {
    cfg.precision = optInt(L2, 1, cfg.precision, 1, 14);
    lua.lua_pushnumber(L2, cfg.precision);
    return 1;
  });
  setFn(L, M, "encode_keep_buffer", (L2) => {
    cfg.keepBuffer = optBool(L2, 1, cfg.keepBuffer);
    lua.lua_pushboolean(L2, cfg.keepBuffer);
    return 1;
  });
  setFn(L, M, "encode_invalid_numbers", (L2) => {
    if (!lua.lua_isnoneornil(L2, 1)) {
      if (lua.lua_type(L2, 1) === lua.LUA_TSTRING && latin1(lua.lua_tolstring(L2, 1)!) === "null") cfg.encodeInvalid = 2;
      else cfg.encodeInvalid = optBool(L2, 1, cfg.encodeInvalid !== 0) ? 1 : 0;
    }
    if (cfg.encodeInvalid === 2) lua.lua_pushstring(L2, ls("null"));
    else lua.lua_pushboolean(L2, cfg.encodeInvalid === 1);
    return 1;
  });
  setFn(L, M, "decode_invalid_numbers", (L2) => {
    cfg.decodeInvalid = optBool(L2, 1, cfg.decodeInvalid);
    lua.lua_pushboolean(L2, cfg.decodeInvalid);
    return 1;
  });
  setFn(L, M, "new", (L2) => {
    pushModule(L2);
    return 1;
  });
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, M, ls("null"));
  lua.lua_pushstring(L, ls("cjson"));
  lua.lua_setfield(L, M, ls("_NAME"));
  lua.lua_pushstring(L, ls("2.1.0"));
  lua.lua_setfield(L, M, ls("_VERSION"));
}

/** Install the `cjson` global. */
export function installCjson(L: LuaState): void {
  pushModule(L);
  lua.lua_setglobal(L, ls("cjson"));
}
