// A binary min-heap that remembers where each item sits, so an item whose key changed can
// be re-sorted, or an item taken out from the middle, in O(log n) instead of rebuilding
// the heap. The position lives in a numeric field of the item itself (-1: not in the
// heap), which spares a Map lookup per move; an item in two heaps needs two fields.

export class IndexedHeap<K extends string, T extends Record<K, number>> {
  private readonly items: T[] = [];

  /** `before(a, b)`: a leaves the heap before b. */
  constructor(
    private readonly slot: K,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Inserts `item`, or moves it to its place after its key changed. */
  upsert(item: T): void {
    const at = item[this.slot];
    if (at < 0) {
      this.items.push(item);
      this.siftUp(this.items.length - 1);
      return;
    }
    this.siftDown(this.siftUp(at));
  }

  delete(item: T): boolean {
    const at = item[this.slot];
    if (at < 0) return false;
    (item as Record<K, number>)[this.slot] = -1;
    const last = this.items.pop()!;
    if (at < this.items.length) {
      this.place(last, at);
      this.siftDown(this.siftUp(at));
    }
    return true;
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.delete(top);
    return top;
  }

  private place(item: T, at: number): void {
    this.items[at] = item;
    (item as Record<K, number>)[this.slot] = at;
  }

  /** Returns where the item at `at` came to rest. */
  private siftUp(at: number): number {
    const item = this.items[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = this.items[parentAt]!;
      if (!this.before(item, parent)) break;
      this.place(parent, at);
      at = parentAt;
    }
    this.place(item, at);
    return at;
  }

  private siftDown(at: number): void {
    const item = this.items[at]!;
    const n = this.items.length;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(this.items[right]!, this.items[left]!) ? right : left;
      if (!this.before(this.items[child]!, item)) break;
      this.place(this.items[child]!, at);
      at = child;
    }
    this.place(item, at);
  }
}
