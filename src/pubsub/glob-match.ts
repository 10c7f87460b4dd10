/**
 * Redis-style glob matching over bytes (PSUBSCRIBE, PUBSUB CHANNELS), in polynomial time.
 *
 * A pattern compiles once into tokens: literal byte, `?` (any byte), `*` (any run), or a byte
 * class `[...]` (`^` negates, `a-z` ranges in either order, `\x` escapes). Token extents never
 * depend on the subject, so a compiled pattern is reused for every PUBLISH. Redis's quirks are
 * kept: an unterminated class runs to the end of the pattern, a trailing lone `\` is a literal
 * backslash, `-` before the last byte of the pattern is a literal.
 *
 * Matching: every non-star token consumes exactly one byte, so greedy matching that backtracks
 * only to the most recent star is exact and runs in O(pattern × subject) at worst (no
 * exponential blow-up on `a*a*a*a*b`).
 *
 * (Branch `generic` adds src/datastructures/glob.ts with the same semantics for KEYS/SCAN;
 * the two can be merged into one.)
 */

const T_LITERAL = 0;
const T_ANY = 1;
const T_STAR = 2;
const T_CLASS = 3;

/** A compiled pattern. `kinds[i]` is the token kind; `args[i]` the literal byte or class index. */
export interface CompiledGlob {
  readonly kinds: Uint8Array;
  readonly args: Int32Array;
  /** One 256-entry membership table per class token (negation already applied). */
  readonly classes: Uint8Array[];
  /** True when the pattern is exactly `*` (matches everything). */
  readonly matchAll: boolean;
}

/** Compile a Redis glob pattern. */
export function compileGlob(p: Uint8Array): CompiledGlob {
  const kinds: number[] = [];
  const args: number[] = [];
  const classes: Uint8Array[] = [];
  const n = p.length;
  let i = 0;
  while (i < n) {
    const ch = p[i]!;
    if (ch === 0x2a /* * */) {
      // Consecutive stars are one star.
      if (kinds.length === 0 || kinds[kinds.length - 1] !== T_STAR) {
        kinds.push(T_STAR);
        args.push(0);
      }
      i++;
    } else if (ch === 0x3f /* ? */) {
      kinds.push(T_ANY);
      args.push(0);
      i++;
    } else if (ch === 0x5c /* \ */ && i + 1 < n) {
      kinds.push(T_LITERAL);
      args.push(p[i + 1]!);
      i += 2;
    } else if (ch === 0x5b /* [ */) {
      i++;
      const table = new Uint8Array(256);
      let negate = false;
      if (i < n && p[i] === 0x5e /* ^ */) {
        negate = true;
        i++;
      }
      for (;;) {
        if (i >= n) break; // unterminated: the class ends with the pattern
        const c = p[i]!;
        if (c === 0x5c && i + 1 < n) {
          table[p[i + 1]!] = 1;
          i += 2;
        } else if (c === 0x5d /* ] */) {
          i++;
          break;
        } else if (i + 2 < n && p[i + 1] === 0x2d /* - */) {
          let lo = c;
          let hi = p[i + 2]!;
          if (lo > hi) [lo, hi] = [hi, lo];
          for (let b = lo; b <= hi; b++) table[b] = 1;
          i += 3;
        } else {
          table[c] = 1;
          i++;
        }
      }
      if (negate) for (let b = 0; b < 256; b++) table[b] = table[b]! ^ 1;
      kinds.push(T_CLASS);
      args.push(classes.length);
      classes.push(table);
    } else {
      kinds.push(T_LITERAL);
      args.push(ch);
      i++;
    }
  }
  return {
    kinds: Uint8Array.from(kinds),
    args: Int32Array.from(args),
    classes,
    matchAll: kinds.length === 1 && kinds[0] === T_STAR,
  };
}

/** Match `s` against a compiled pattern. */
export function globMatchCompiled(g: CompiledGlob, s: Uint8Array): boolean {
  if (g.matchAll) return true;
  const kinds = g.kinds;
  const args = g.args;
  const np = kinds.length;
  const ns = s.length;
  let pi = 0;
  let si = 0;
  let starP = -1; // token index after the last star
  let starS = 0; // subject position that star is currently absorbing up to
  while (si < ns) {
    if (pi < np) {
      const k = kinds[pi]!;
      if (k === T_STAR) {
        starP = ++pi;
        starS = si;
        continue;
      }
      const b = s[si]!;
      if (k === T_ANY || (k === T_LITERAL ? args[pi] === b : g.classes[args[pi]!]![b] === 1)) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    // Let the last star absorb one more byte and retry the rest from there.
    pi = starP;
    si = ++starS;
  }
  while (pi < np && kinds[pi] === T_STAR) pi++;
  return pi === np;
}

/** One-shot match (compiles the pattern). */
export function globMatch(pattern: Uint8Array, s: Uint8Array): boolean {
  return globMatchCompiled(compileGlob(pattern), s);
}
