/**
 * Types for the parts of fengari (Lua 5.3 VM in JS, patched to Redis's Lua 5.1 number semantics:
 * see patches/fengari@0.1.5.patch) that the scripting engine uses. Lua strings are byte arrays.
 */
declare module "fengari" {
  /** An opaque Lua thread. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  /** A function callable from Lua: receives the state, returns the number of results pushed. */
  export type LuaJsFunction = (L: LuaState) => number;
  export type LuaKFunction = (L: LuaState, status: number, ctx: number) => number;
  export type LuaHook = (L: LuaState, ar: LuaDebug) => void;

  export interface LuaDebug {
    event: number;
    name: Uint8Array | null;
    namewhat: Uint8Array | null;
    what: Uint8Array | null;
    source: Uint8Array | null;
    currentline: number;
    linedefined: number;
    lastlinedefined: number;
    short_src: Uint8Array | null;
  }

  export const lua: {
    LUA_OK: number;
    LUA_YIELD: number;
    LUA_ERRRUN: number;
    LUA_ERRSYNTAX: number;
    LUA_ERRMEM: number;
    LUA_ERRERR: number;
    LUA_MULTRET: number;
    LUA_REGISTRYINDEX: number;
    LUA_RIDX_GLOBALS: number;
    LUA_MASKCOUNT: number;
    LUA_MASKLINE: number;
    LUA_TNONE: number;
    LUA_TNIL: number;
    LUA_TBOOLEAN: number;
    LUA_TLIGHTUSERDATA: number;
    LUA_TNUMBER: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    LUA_TFUNCTION: number;
    LUA_TUSERDATA: number;
    LUA_TTHREAD: number;
    lua_Debug: new () => LuaDebug;
    lua_absindex(L: LuaState, idx: number): number;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_callk(L: LuaState, nargs: number, nresults: number, ctx: number, k: LuaKFunction | null): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_concat(L: LuaState, n: number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_enablereadonlytable(L: LuaState, idx: number, enabled: boolean): void;
    lua_error(L: LuaState): never;
    lua_gc(L: LuaState, what: number, data: number): number;
    lua_getfield(L: LuaState, idx: number, k: Uint8Array | string): number;
    lua_getglobal(L: LuaState, name: Uint8Array | string): number;
    lua_getinfo(L: LuaState, what: Uint8Array | string, ar: LuaDebug): boolean;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean;
    lua_gettable(L: LuaState, idx: number): number;
    lua_gettop(L: LuaState): number;
    lua_insert(L: LuaState, idx: number): void;
    lua_isnil(L: LuaState, idx: number): boolean;
    lua_isnoneornil(L: LuaState, idx: number): boolean;
    lua_isnumber(L: LuaState, idx: number): boolean;
    lua_isreadonlytable(L: LuaState, idx: number): boolean;
    lua_isstring(L: LuaState, idx: number): boolean;
    lua_istable(L: LuaState, idx: number): boolean;
    lua_isyieldable(L: LuaState): boolean;
    lua_newtable(L: LuaState): void;
    lua_newthread(L: LuaState): LuaState;
    lua_newuserdata(L: LuaState, size: number): unknown;
    lua_next(L: LuaState, idx: number): boolean;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pcallk(L: LuaState, nargs: number, nresults: number, msgh: number, ctx: number, k: LuaKFunction | null): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean | number): void;
    lua_pushcclosure(L: LuaState, fn: LuaJsFunction, n: number): void;
    lua_pushcfunction(L: LuaState, fn: LuaJsFunction): void;
    lua_pushglobaltable(L: LuaState): void;
    lua_pushjsfunction(L: LuaState, fn: LuaJsFunction): void;
    lua_pushlightuserdata(L: LuaState, p: unknown): void;
    lua_pushliteral(L: LuaState, s: string): Uint8Array;
    lua_pushlstring(L: LuaState, s: Uint8Array, len: number): Uint8Array;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: Uint8Array | string): Uint8Array;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_rawequal(L: LuaState, a: number, b: number): boolean;
    lua_rawget(L: LuaState, idx: number): number;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_remove(L: LuaState, idx: number): void;
    lua_replace(L: LuaState, idx: number): void;
    lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
    lua_setfield(L: LuaState, idx: number, k: Uint8Array | string): void;
    lua_setglobal(L: LuaState, name: Uint8Array | string): void;
    lua_sethook(L: LuaState, fn: LuaHook | null, mask: number, count: number): void;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_settable(L: LuaState, idx: number): void;
    lua_settop(L: LuaState, idx: number): void;
    lua_status(L: LuaState): number;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tointegerx(L: LuaState, idx: number): number | false;
    lua_tojsstring(L: LuaState, idx: number): string | null;
    lua_tolstring(L: LuaState, idx: number): Uint8Array | null;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tonumberx(L: LuaState, idx: number): number | false;
    lua_topointer(L: LuaState, idx: number): unknown;
    lua_tostring(L: LuaState, idx: number): Uint8Array | null;
    lua_tothread(L: LuaState, idx: number): LuaState | null;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_type(L: LuaState, idx: number): number;
    lua_upvalueindex(i: number): number;
    lua_xmove(from: LuaState, to: LuaState, n: number): void;
    lua_yield(L: LuaState, n: number): number;
  };

  export const lauxlib: {
    LUA_LOADED_TABLE: Uint8Array;
    luaL_argcheck(L: LuaState, cond: boolean, arg: number, msg: string): void;
    luaL_argerror(L: LuaState, arg: number, msg: Uint8Array | string): never;
    luaL_checkany(L: LuaState, arg: number): void;
    luaL_checkinteger(L: LuaState, arg: number): number;
    luaL_checklstring(L: LuaState, arg: number): Uint8Array;
    luaL_checknumber(L: LuaState, arg: number): number;
    luaL_checkstack(L: LuaState, sz: number, msg: string | null): void;
    luaL_checkstring(L: LuaState, arg: number): Uint8Array;
    luaL_checktype(L: LuaState, arg: number, t: number): void;
    luaL_error(L: LuaState, fmt: Uint8Array | string, ...args: unknown[]): never;
    luaL_getmetafield(L: LuaState, obj: number, e: Uint8Array | string): number;
    luaL_len(L: LuaState, idx: number): number;
    luaL_loadbuffer(L: LuaState, buff: Uint8Array, sz: number | null, name: Uint8Array | string | null): number;
    luaL_loadbufferx(L: LuaState, buff: Uint8Array, sz: number | null, name: Uint8Array | string | null, mode: Uint8Array | string | null): number;
    luaL_newmetatable(L: LuaState, tname: Uint8Array | string): boolean;
    luaL_newstate(): LuaState;
    luaL_optinteger(L: LuaState, arg: number, def: number): number;
    luaL_optnumber(L: LuaState, arg: number, def: number): number;
    luaL_optstring(L: LuaState, arg: number, def: Uint8Array | string | null): Uint8Array | null;
    luaL_ref(L: LuaState, t: number): number;
    luaL_requiref(L: LuaState, modname: Uint8Array | string, openf: LuaJsFunction, glb: boolean | number): void;
    luaL_setfuncs(L: LuaState, l: Record<string, LuaJsFunction>, nup: number): void;
    luaL_tolstring(L: LuaState, idx: number): Uint8Array;
    luaL_typename(L: LuaState, idx: number): Uint8Array;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_where(L: LuaState, level: number): void;
  };

  export const lualib: {
    luaopen_base: LuaJsFunction;
    luaopen_coroutine: LuaJsFunction;
    luaopen_table: LuaJsFunction;
    luaopen_string: LuaJsFunction;
    luaopen_math: LuaJsFunction;
    luaopen_debug: LuaJsFunction;
  };

  export function to_luastring(s: string, cache?: boolean): Uint8Array;
  export function to_jsstring(s: Uint8Array, from?: number, to?: number, replacement_char?: boolean): string;
  export function luastring_eq(a: Uint8Array, b: Uint8Array): boolean;
}
