/**
 * Glob matching on bytes with Redis's pattern syntax: `*`, `?`, `[abc]`, `[^a-z]`, `\x`.
 *
 * This is a minimal stand-in for HSCAN MATCH until the shared glob module lands (the lead may
 * swap imports to it). It runs in O(pattern × subject) worst case, never exponentially: only
 * `*` can backtrack, and remembering just the last star is enough because every other token
 * matches exactly one byte (the classic greedy wildcard algorithm).
 * Pure: no allocation, inputs are read only.
 */

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}

// Scratch for classMatch: where the class token ends.
let classEnd = 0;

/** Match byte ch against the class starting just after '[' at p; sets classEnd. */
function classMatch(p: Uint8Array, pi: number, ch: number, nocase: boolean): boolean {
  const n = p.length;
  let not = false;
  if (pi < n && p[pi] === 0x5e /* ^ */) {
    not = true;
    pi++;
  }
  let match = false;
  const c = nocase ? lower(ch) : ch;
  for (;;) {
    if (pi >= n) break; // unterminated class: the pattern end closes it, as in Redis
    const t = p[pi]!;
    if (t === 0x5c /* \ */ && n - pi >= 2) {
      pi++;
      if (p[pi] === ch) match = true;
    } else if (t === 0x5d /* ] */) {
      break;
    } else if (n - pi >= 3 && p[pi + 1] === 0x2d /* - */) {
      let a = p[pi]!;
      let b = p[pi + 2]!;
      if (a > b) [a, b] = [b, a];
      if (nocase) {
        a = lower(a);
        b = lower(b);
      }
      pi += 2;
      if (c >= a && c <= b) match = true;
    } else if (nocase ? lower(t) === c : t === ch) {
      match = true;
    }
    pi++;
  }
  classEnd = pi + 1;
  return not ? !match : match;
}

/** True when subject matches the glob pattern (bytes). */
export function globMatch(p: Uint8Array, s: Uint8Array, nocase = false): boolean {
  const pn = p.length;
  const sn = s.length;
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < sn) {
    if (pi < pn) {
      const t = p[pi]!;
      if (t === 0x2a /* * */) {
        while (pi < pn && p[pi] === 0x2a) pi++;
        if (pi === pn) return true;
        starP = pi;
        starS = si;
        continue;
      }
      let ok: boolean;
      let next: number;
      const ch = s[si]!;
      if (t === 0x3f /* ? */) {
        ok = true;
        next = pi + 1;
      } else if (t === 0x5b /* [ */) {
        ok = classMatch(p, pi + 1, ch, nocase);
        next = classEnd;
      } else if (t === 0x5c /* \ */ && pn - pi >= 2) {
        const e = p[pi + 1]!;
        ok = nocase ? lower(e) === lower(ch) : e === ch;
        next = pi + 2;
      } else {
        ok = nocase ? lower(t) === lower(ch) : t === ch;
        next = pi + 1;
      }
      if (ok) {
        pi = next;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP;
    si = ++starS;
  }
  while (pi < pn && p[pi] === 0x2a) pi++;
  return pi >= pn;
}
