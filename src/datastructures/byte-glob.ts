/**
 * Redis-style glob matching over bytes (`*`, `?`, `[...]` with `^`, ranges and `\` escapes), as
 * SCAN MATCH, KEYS and PSUBSCRIBE use it.
 *
 * Semantics follow Redis's matcher, quirks included: inside a class, `x-y` is a range whenever
 * two more bytes follow `x` (so `[a-]` is the range a..]), reversed ranges are swapped, range
 * bounds compare as signed chars, an unterminated class ends the pattern, and a trailing `\` is
 * a literal backslash.
 * Complexity: the pattern is compiled to single-byte tokens and stars; matching uses the
 * last-star backtracking walk, O(pattern × subject) in the worst case, so patterns like
 * `a*a*a*a*b` cannot blow up.
 */

const T_STAR = 0;
const T_ANY = 1;
const T_CLASS = 2;
const T_LIT = 3;

interface Token {
  kind: number;
  /** Literal byte (T_LIT). */
  byte: number;
  /** 256 membership flags (T_CLASS), already negated if the class was `[^...]`. */
  set: Uint8Array | null;
}

const signed = (b: number) => (b << 24) >> 24;

/** A compiled glob pattern. */
export class Glob {
  private readonly tokens: Token[] = [];
  /** True when the pattern is `*` alone (matches everything: callers skip the check). */
  readonly matchesAll: boolean;

  constructor(pattern: Uint8Array) {
    const p = pattern;
    let i = 0;
    const n = p.length;
    while (i < n) {
      const c = p[i]!;
      if (c === 0x2a) {
        if (this.tokens.length === 0 || this.tokens[this.tokens.length - 1]!.kind !== T_STAR) this.tokens.push({ kind: T_STAR, byte: 0, set: null });
        i++;
      } else if (c === 0x3f) {
        this.tokens.push({ kind: T_ANY, byte: 0, set: null });
        i++;
      } else if (c === 0x5b) {
        i++;
        const not = i < n && p[i] === 0x5e;
        if (not) i++;
        const set = new Uint8Array(256);
        for (;;) {
          if (i >= n) break; // unterminated: the class ends the pattern
          const d = p[i]!;
          if (d === 0x5c && n - i >= 2) {
            set[p[i + 1]!] = 1;
            i += 2;
          } else if (d === 0x5d) {
            i++;
            break;
          } else if (n - i >= 3 && p[i + 1] === 0x2d) {
            let a = signed(d);
            let b = signed(p[i + 2]!);
            if (a > b) [a, b] = [b, a];
            for (let x = 0; x < 256; x++) {
              const sx = signed(x);
              if (sx >= a && sx <= b) set[x] = 1;
            }
            i += 3;
          } else {
            set[d] = 1;
            i++;
          }
        }
        if (not) for (let x = 0; x < 256; x++) set[x] = set[x] ? 0 : 1;
        this.tokens.push({ kind: T_CLASS, byte: 0, set });
      } else if (c === 0x5c && n - i >= 2) {
        this.tokens.push({ kind: T_LIT, byte: p[i + 1]!, set: null });
        i += 2;
      } else {
        this.tokens.push({ kind: T_LIT, byte: c, set: null });
        i++;
      }
    }
    this.matchesAll = this.tokens.length === 1 && this.tokens[0]!.kind === T_STAR;
  }

  private one(t: Token, b: number): boolean {
    if (t.kind === T_ANY) return true;
    if (t.kind === T_LIT) return t.byte === b;
    return t.set![b] === 1;
  }

  /** True when the subject matches the whole pattern. */
  match(s: Uint8Array): boolean {
    const toks = this.tokens;
    const nt = toks.length;
    const ns = s.length;
    let ti = 0;
    let si = 0;
    let starT = -1;
    let starS = 0;
    while (si < ns) {
      if (ti < nt && toks[ti]!.kind === T_STAR) {
        starT = ti++;
        starS = si;
      } else if (ti < nt && this.one(toks[ti]!, s[si]!)) {
        ti++;
        si++;
      } else if (starT >= 0) {
        ti = starT + 1;
        si = ++starS;
      } else return false;
    }
    while (ti < nt && toks[ti]!.kind === T_STAR) ti++;
    return ti === nt;
  }
}
