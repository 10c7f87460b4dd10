/**
 * Glob-style matching over bytes with Redis's pattern language (KEYS, SCAN MATCH, PSUBSCRIBE,
 * CLIENT KILL, CONFIG GET, ACL key patterns):
 *
 *   `*` any run of bytes, `?` one byte, `[...]` a set of bytes (`^` first negates, `a-z` ranges,
 *   reversed ranges allowed, `\x` a literal x), `\x` outside a set a literal x.
 *
 * Redis's quirks are kept, since users' patterns depend on them:
 * - A set runs to the first unescaped `]`, or to the end of the pattern when there is none
 *   (`[abc` matches one of a, b, c; `[^` matches any byte; `[]` matches nothing).
 * - `x-y` is a range whenever two more bytes follow x, even when y is `]` (`[a-]` is the range
 *   from `]` to `a` and leaves the set open).
 * - A trailing lone `\` is a literal backslash, inside or outside a set.
 * - An empty subject matches only the empty pattern (`*` does not match ""; the KEYS/SCAN `*`
 *   shortcut is the caller's business).
 * - With `nocase`, literals and ranges compare ASCII-case-insensitively; escaped bytes inside a
 *   set still compare exactly.
 *
 * Complexity: a pattern compiles once into tokens that each consume exactly one byte, plus stars.
 * Matching keeps one backtrack point (the last star seen): on a mismatch it retries just after
 * that star with the star covering one more byte. Each retry advances the star's start, so a
 * match takes at most (subject length + 1) × (token count + 1) steps: polynomial for any pattern,
 * including `a*a*a*a*a*b` against long runs of `a`, which a naive backtracker would explode on.
 */

const T_LITERAL = 0;
const T_ANY = 1;
const T_SET = 2;
const T_STAR = 3;

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

/** A compiled pattern; reuse it across many subjects (KEYS over a whole database). */
export class GlobPattern {
  /** Token kinds (T_*). */
  private readonly kinds: Uint8Array;
  /** Literal byte per T_LITERAL token (lowercased under nocase). */
  private readonly lits: Uint8Array;
  /** Per T_SET token: byte offset of its 256-bit membership bitset in `bits`. */
  private readonly setOffsets: Int32Array;
  /** The sets' bitsets, 32 bytes each (compact: a long pattern of sets stays small). */
  private readonly bits: Uint8Array;
  private readonly nocase: boolean;
  /** The pattern is just stars: matches every non-empty subject. */
  readonly allStars: boolean;
  /**
   * Steps taken by the last `match` (subject positions examined, retries included). Bounded by
   * (subject length + 1) × (tokens + 1); tests use it to show matching cannot blow up.
   */
  lastSteps = 0;

  constructor(pattern: Uint8Array, nocase = false) {
    this.nocase = nocase;
    const kinds: number[] = [];
    const lits: number[] = [];
    const offsets: number[] = [];
    const bitsets: Uint8Array[] = [];
    const n = pattern.length;
    let i = 0;
    while (i < n) {
      const c = pattern[i]!;
      if (c === 0x2a /* * */) {
        // Consecutive stars mean the same as one.
        if (kinds.length === 0 || kinds[kinds.length - 1] !== T_STAR) {
          kinds.push(T_STAR);
          lits.push(0);
          offsets.push(-1);
        }
        i++;
      } else if (c === 0x3f /* ? */) {
        kinds.push(T_ANY);
        lits.push(0);
        offsets.push(-1);
        i++;
      } else if (c === 0x5b /* [ */) {
        const [set, next] = compileSet(pattern, i + 1, nocase);
        kinds.push(T_SET);
        lits.push(0);
        offsets.push(bitsets.length * 32);
        bitsets.push(set);
        i = next;
      } else {
        let b = c;
        if (c === 0x5c /* \ */ && i + 1 < n) b = pattern[++i]!;
        kinds.push(T_LITERAL);
        lits.push(nocase ? lower(b) : b);
        offsets.push(-1);
        i++;
      }
    }
    this.kinds = Uint8Array.from(kinds);
    this.lits = Uint8Array.from(lits);
    this.setOffsets = Int32Array.from(offsets);
    this.bits = new Uint8Array(bitsets.length * 32);
    for (let k = 0; k < bitsets.length; k++) this.bits.set(bitsets[k]!, k * 32);
    this.allStars = kinds.length === 1 && kinds[0] === T_STAR;
  }

  /** Number of tokens (a run of stars counts once). */
  get tokenCount(): number {
    return this.kinds.length;
  }

  /** True when `s` (all of it) matches the pattern. */
  match(s: Uint8Array): boolean {
    const kinds = this.kinds;
    const m = kinds.length;
    const n = s.length;
    if (n === 0) {
      this.lastSteps = 0;
      return m === 0;
    }
    const lits = this.lits;
    const offsets = this.setOffsets;
    const bits = this.bits;
    const nocase = this.nocase;
    let p = 0; // next token
    let j = 0; // next subject byte
    let starTok = -1; // token index just after the last star seen
    let starPos = 0; // subject position the last star's run currently ends at
    let steps = 0;
    while (j < n) {
      steps++;
      if (p < m) {
        const k = kinds[p]!;
        if (k === T_STAR) {
          starTok = ++p;
          starPos = j;
          continue;
        }
        const c = s[j]!;
        let ok: boolean;
        if (k === T_LITERAL) ok = (nocase ? lower(c) : c) === lits[p];
        else if (k === T_ANY) ok = true;
        else ok = ((bits[offsets[p]! + (c >>> 3)]! >>> (c & 7)) & 1) === 1;
        if (ok) {
          p++;
          j++;
          continue;
        }
      }
      // Mismatch (or pattern exhausted with bytes left): let the last star cover one more byte.
      if (starTok < 0) {
        this.lastSteps = steps;
        return false;
      }
      p = starTok;
      j = ++starPos;
    }
    while (p < m && kinds[p] === T_STAR) p++;
    this.lastSteps = steps;
    return p === m;
  }
}

/**
 * Compile the set starting at `from` (just after `[`). Returns its 256-bit bitset and the pattern
 * index after the set (after `]`, or the pattern's end when the set is left open).
 */
function compileSet(p: Uint8Array, from: number, nocase: boolean): [Uint8Array, number] {
  const [table, next] = setTable(p, from, nocase);
  const bits = new Uint8Array(32);
  for (let x = 0; x < 256; x++) if (table[x] === 1) bits[x >>> 3]! |= 1 << (x & 7);
  return [bits, next];
}

/** The set as a 256-entry table (1 = member), and the index after it. */
function setTable(p: Uint8Array, from: number, nocase: boolean): [Uint8Array, number] {
  const n = p.length;
  const set = new Uint8Array(256);
  let i = from;
  const negate = i < n && p[i] === 0x5e; /* ^ */
  if (negate) i++;
  for (;;) {
    if (i >= n) break; // open set: it takes the rest of the pattern
    const c = p[i]!;
    if (c === 0x5c /* \ */ && i + 1 < n) {
      set[p[i + 1]!] = 1; // escaped: exact byte, even under nocase
      i += 2;
      continue;
    }
    if (c === 0x5d /* ] */) {
      i++;
      break;
    }
    if (i + 2 < n && p[i + 1] === 0x2d /* - */) {
      let a = c;
      let b = p[i + 2]!;
      if (a > b) [a, b] = [b, a];
      if (nocase) {
        a = lower(a);
        b = lower(b);
        for (let x = 0; x < 256; x++) {
          const lx = lower(x);
          if (lx >= a && lx <= b) set[x] = 1;
        }
      } else {
        for (let x = a; x <= b; x++) set[x] = 1;
      }
      i += 3;
      continue;
    }
    set[c] = 1;
    if (nocase) {
      const lc = lower(c);
      set[lc] = 1;
      if (lc >= 97 && lc <= 122) set[lc & ~0x20] = 1;
    }
    i++;
  }
  if (negate) for (let x = 0; x < 256; x++) set[x] = set[x] === 1 ? 0 : 1;
  return [set, i];
}

/** One-shot match (compiles the pattern each call; compile once with GlobPattern for loops). */
export function globMatch(pattern: Uint8Array, s: Uint8Array, nocase = false): boolean {
  return new GlobPattern(pattern, nocase).match(s);
}
