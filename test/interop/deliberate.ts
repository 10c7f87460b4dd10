/**
 * Command-table differences from Redis 7.0 that Kedis makes on purpose (docs/compatibility.md):
 * 7.2 additions the issues ask for. Spec comparisons with real Redis 7.0 use these instead of
 * Redis's values for the listed commands; anything else must match exactly.
 */
export const DELIBERATE_ARITY = new Map<string, number>([
  // ZRANK/ZREVRANK key member [WITHSCORE] (Redis 7.2); 7.0 takes exactly 3 arguments.
  ["zrank", -3],
  ["zrevrank", -3],
]);
