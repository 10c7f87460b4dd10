/**
 * Helpers shared by the modes that read INFO (--stat, --bigkeys): field lookup and redis-cli's
 * human-readable byte counts.
 */

/** INFO text → field map (the `# Section` lines and blanks are skipped). */
export function parseInfo(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\r\n").flatMap((l) => l.split("\n"))) {
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon > 0) m.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return m;
}

/** Keys over every database, from INFO keyspace's `dbN:keys=...` lines. */
export function totalKeys(info: Map<string, string>): number {
  let n = 0;
  for (const [k, v] of info) {
    if (!/^db\d+$/.test(k)) continue;
    const m = /keys=(\d+)/.exec(v);
    if (m !== null) n += Number(m[1]);
  }
  return n;
}

/** Bytes as redis-cli shows them: 512B, 1.50K, 1.03M, 2.00G. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P", "E"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}
