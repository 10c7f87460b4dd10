/**
 * The `bit` library (LuaBitOp semantics, as Redis ships it): 32-bit operations on Lua numbers.
 * Arguments normalize like LuaBitOp's: add 2^52+2^51 to the double and keep its low 32 bits
 * (round half to even, wrapping modulo 2^32); results are signed 32-bit numbers.
 */
import { lauxlib, lua, ls, newLib, type LuaState } from "../lua.ts";

const dv = new DataView(new ArrayBuffer(8));

/** LuaBitOp's number → 32-bit conversion. */
export function tobit(x: number): number {
  dv.setFloat64(0, x + 6755399441055744.0);
  return dv.getInt32(4);
}

function arg(L: LuaState, i: number): number {
  return tobit(lauxlib.luaL_checknumber(L, i));
}

function ret(L: LuaState, v: number): number {
  lua.lua_pushnumber(L, v | 0);
  return 1;
}

function fold(op: (a: number, b: number) => number) {
  return (L: LuaState): number => {
    let r = arg(L, 1);
    const n = lua.lua_gettop(L);
    for (let i = 2; i <= n; i++) r = op(r, arg(L, i));
    return ret(L, r);
  };
}

/** Install the `bit` global. */
export function installBit(L: LuaState): void {
  newLib(L, {
    tobit: (L2) => ret(L2, arg(L2, 1)),
    bnot: (L2) => ret(L2, ~arg(L2, 1)),
    band: fold((a, b) => a & b),
    bor: fold((a, b) => a | b),
    bxor: fold((a, b) => a ^ b),
    lshift: (L2) => ret(L2, arg(L2, 1) << (arg(L2, 2) & 31)),
    rshift: (L2) => ret(L2, arg(L2, 1) >>> (arg(L2, 2) & 31)),
    arshift: (L2) => ret(L2, arg(L2, 1) >> (arg(L2, 2) & 31)),
    rol: (L2) => {
      const b = arg(L2, 1);
      const n = arg(L2, 2) & 31;
      return ret(L2, (b << n) | (b >>> (32 - n)));
    },
    ror: (L2) => {
      const b = arg(L2, 1);
      const n = arg(L2, 2) & 31;
      return ret(L2, (b >>> n) | (b << (32 - n)));
    },
    bswap: (L2) => {
      const b = arg(L2, 1);
      return ret(L2, ((b >>> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24)) | 0);
    },
    tohex: (L2) => {
      let b = arg(L2, 1) >>> 0;
      let n = lua.lua_isnoneornil(L2, 2) ? 8 : arg(L2, 2);
      let digits = "0123456789abcdef";
      if (n < 0) {
        n = -n;
        digits = "0123456789ABCDEF";
      }
      if (n > 8) n = 8;
      const out: string[] = new Array<string>(n);
      for (let i = n - 1; i >= 0; i--) {
        out[i] = digits[b & 15]!;
        b >>>= 4;
      }
      lua.lua_pushstring(L2, ls(out.join("")));
      return 1;
    },
  });
  lua.lua_setglobal(L, ls("bit"));
}
