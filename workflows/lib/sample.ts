/**
 * A reproducible sample: the same seed and items always give the same choice, yet
 * not simply the first items listed. Items are ordered by a hash of the seed and
 * the item (ties by the item), and the first `count` are taken.
 */
export function reproducibleSample(seed: string, items: readonly string[], count: number): string[] {
  const unique = [...new Set(items)];
  return unique
    .map((item) => ({ item, h: fnv1a(`${seed}\u0000${item}`) }))
    .sort((a, b) => a.h - b.h || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
    .slice(0, Math.max(0, Math.min(count, unique.length)))
    .map((x) => x.item);
}

/** 32-bit FNV-1a over UTF-16 code units: tiny, deterministic, fine for an even spread. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
