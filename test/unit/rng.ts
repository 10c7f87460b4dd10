/** Small seeded PRNG (mulberry32) for reproducible model tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes of a length drawn from a mix of tiny, small and large sizes. */
export function randomBytes(r: () => number, maxLen = 40, alphabet = 4): Uint8Array {
  const roll = r();
  const len = roll < 0.05 ? 0 : roll < 0.9 ? 1 + Math.floor(r() * 4) : roll < 0.98 ? Math.floor(r() * maxLen) : 130 + Math.floor(r() * 20000);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = 97 + Math.floor(r() * alphabet);
  return b;
}

export const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString("latin1"));
