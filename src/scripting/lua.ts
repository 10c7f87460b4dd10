/**
 * Small helpers over fengari's C-like API shared by the engine and the libraries: byte strings,
 * library tables, errors. Lua strings are Uint8Array (bytes, not UTF-16 text).
 */
import { lauxlib, lua, to_luastring, type LuaJsFunction, type LuaState } from "fengari";

export { lauxlib, lua, type LuaJsFunction, type LuaState };

const enc = new TextEncoder();

/** A JS string's UTF-8 bytes as a Lua string (memoized for constant names). */
const cache = new Map<string, Uint8Array>();
export function ls(s: string): Uint8Array {
  let b = cache.get(s);
  if (b === undefined) {
    b = to_luastring(s);
    if (cache.size < 4096) cache.set(s, b);
  }
  return b;
}

/** Latin1 text of Lua bytes (one char per byte: round-trips). */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 8192)));
  return s;
}

/** Bytes of latin1 text (chars above 0xff keep their low byte). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** UTF-8 bytes of text. */
export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

/** Push bytes as a Lua string (fengari copies them). */
export function pushBytes(L: LuaState, b: Uint8Array): void {
  if (b.length === 0) lua.lua_pushstring(L, EMPTY);
  else lua.lua_pushstring(L, b);
}
const EMPTY = new Uint8Array(0);

/** Push text (latin1) as a Lua string. */
export function pushLatin1(L: LuaState, s: string): void {
  pushBytes(L, latin1Bytes(s));
}

/** Raise a Lua error with a plain message (luaL_error adds the caller's position). */
export function raise(L: LuaState, msg: string): never {
  return lauxlib.luaL_error(L, ls(msg.replace(/%/g, "%%")));
}

/** Raise a Lua error value that is a JS message without position information (lua_error). */
export function raiseRaw(L: LuaState, msg: string): never {
  pushLatin1(L, msg);
  return lua.lua_error(L);
}

/** Create a table of functions (and leave it on the stack). */
export function newLib(L: LuaState, fns: Record<string, LuaJsFunction>): void {
  lua.lua_createtable(L, 0, Object.keys(fns).length);
  for (const [name, fn] of Object.entries(fns)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, ls(name));
  }
}

/** Set `t[name] = fn` for the table at `idx`. */
export function setFn(L: LuaState, idx: number, name: string, fn: LuaJsFunction): void {
  const t = lua.lua_absindex(L, idx);
  lua.lua_pushcfunction(L, fn);
  lua.lua_setfield(L, t, ls(name));
}

/** Remove `t[name]` for the table at `idx`. */
export function unset(L: LuaState, idx: number, name: string): void {
  const t = lua.lua_absindex(L, idx);
  lua.lua_pushnil(L);
  lua.lua_setfield(L, t, ls(name));
}

/** The bytes of a string argument or a number (formatted %.14g), else a Lua arg error. */
export function checkBytes(L: LuaState, arg: number): Uint8Array {
  return lauxlib.luaL_checklstring(L, arg);
}
