// Per-program and per-workload records are keyed by ids that clients choose, so the
// tables must not grow without bound. Maps keep insertion order; touching a key moves
// it to the end, so the first keys are the least recently used, and only records with
// nothing queued or running are ever dropped.

export function touch<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
}

/** Drops least recently used idle records until `map` is back to `capacity`; returns how many went. */
export function evictIdle<K, V>(map: Map<K, V>, capacity: number, isIdle: (value: V) => boolean): number {
  let evicted = 0;
  for (const [key, value] of map) {
    if (map.size <= capacity) break;
    if (isIdle(value)) {
      map.delete(key);
      evicted++;
    }
  }
  return evicted;
}
