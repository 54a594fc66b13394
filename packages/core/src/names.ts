// "Did you mean …?": the one rule every message of discern uses to suggest a name (a column, a config key, a step,
// a function of the expression language, a tree of a ROOT file).

/** Optimal-string-alignment edit distance (a swap of two neighbours counts 1), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  const d: Int32Array[] = Array.from({ length: m + 1 }, () => new Int32Array(n + 1));
  for (let i = 0; i <= m; i++) d[i]![0] = i;
  for (let j = 0; j <= n; j++) d[0]![j] = j;
  for (let i = 1; i <= m; i++)
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[m]![n]!;
}

/**
 * How many edits still make a likely typo of names this long: one for names of up to three characters ("k" is not
 * "l2"), two up to eight ("alfa" is "alpha"), a third of the length beyond.
 */
function allowedEdits(length: number): number {
  return length <= 3 ? 1 : Math.max(2, Math.floor(length / 3));
}

/** The candidate closest to `name` (case-insensitive edit distance), if it is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const target = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    // the distance is at least the difference in length: skip those that cannot be close (a wide file has many names)
    // (and long names are no typos worth a quadratic comparison)
    const allowed = allowedEdits(Math.max(name.length, c.length));
    if (c.length > 100 || name.length > 100 || Math.abs(c.length - name.length) > allowed) continue;
    const d = editDistance(target, c.toLowerCase());
    if (d <= allowed && d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
