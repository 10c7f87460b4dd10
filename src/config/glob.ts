/**
 * Redis-style glob matching on text (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes) for CONFIG GET
 * patterns. Iterative with a single backtrack point for the last `*`, so the worst case is
 * O(pattern × text) even for patterns like `a*a*a*a*b`, never exponential.
 */

/** Does `text` match `pattern`? `nocase` folds ASCII letters. */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase();
    text = text.toLowerCase();
  }
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length) {
      const pc = pattern[p]!;
      if (pc === "*") {
        while (p < pattern.length && pattern[p] === "*") p++;
        if (p === pattern.length) return true;
        starP = p;
        starT = t;
        continue;
      }
      const step = matchOne(pattern, p, text[t]!);
      if (step > 0) {
        p += step;
        t++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    t = ++starT;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}

/**
 * Match one pattern element at `p` against `ch`: returns the element's length in the pattern
 * when it matches, 0 when not.
 */
function matchOne(pat: string, p: number, ch: string): number {
  const pc = pat[p]!;
  if (pc === "?") return 1;
  if (pc === "\\" && p + 1 < pat.length) return pat[p + 1] === ch ? 2 : 0;
  if (pc !== "[") return pc === ch ? 1 : 0;
  let i = p + 1;
  const not = pat[i] === "^";
  if (not) i++;
  let hit = false;
  for (;;) {
    if (i >= pat.length) {
      // Unterminated class: Redis treats the end of the pattern as the closing bracket.
      i = pat.length - 1;
      break;
    }
    const c = pat[i]!;
    if (c === "]") break;
    if (c === "\\" && i + 1 < pat.length) {
      if (pat[i + 1] === ch) hit = true;
      i += 2;
    } else if (i + 2 < pat.length && pat[i + 1] === "-" && pat[i + 2] !== "]") {
      let lo = c;
      let hi = pat[i + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) hit = true;
      i += 3;
    } else {
      if (c === ch) hit = true;
      i++;
    }
  }
  if (not) hit = !hit;
  return hit ? i - p + 1 : 0;
}
