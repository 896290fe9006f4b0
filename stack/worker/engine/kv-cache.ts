// Paged KV cache with prefix caching. Full prompt blocks are identified by their
// chained hash (protocol/kv-blocks.ts); a finished sequence's hashed blocks stay
// cached, unreferenced, until capacity is needed, then the least recently used go first.
// Blocks for the partial tail and the generated tokens are private to their sequence.

export interface KvCacheListener {
  stored(hashes: string[]): void;
  removed(hashes: string[]): void;
}

export interface KvAllocation {
  readonly hashes: readonly string[];
  /** Leading blocks of `hashes` that were already cached. */
  readonly cachedBlocks: number;
  readonly privateBlocks: number;
}

export class KvCache {
  /** Hashed blocks in use by at least one sequence, with their reference counts. */
  private readonly referenced = new Map<string, number>();
  /** Cached blocks no sequence uses; iteration order is least recently used first. */
  private readonly idle = new Set<string>();
  private privateBlocks = 0;

  constructor(
    readonly numBlocks: number,
    readonly blockSize: number,
    private readonly listener?: KvCacheListener,
  ) {}

  /** Blocks held by running sequences (idle cached blocks count as free, as in vLLM). */
  get usedBlocks(): number {
    return this.referenced.size + this.privateBlocks;
  }

  get usage(): number {
    return this.usedBlocks / this.numBlocks;
  }

  get cachedBlocks(): number {
    return this.referenced.size + this.idle.size;
  }

  /** Length, in blocks, of the longest cached prefix of `hashes`. */
  matchPrefix(hashes: readonly string[]): number {
    let n = 0;
    while (n < hashes.length && this.isCached(hashes[n] as string)) n++;
    return n;
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockSize);
  }

  /**
   * Reserves blocks for a sequence of `totalTokens` whose full context blocks are
   * `hashes`. Returns null when even evicting every idle cached block would not make room.
   */
  allocate(hashes: readonly string[], totalTokens: number): KvAllocation | null {
    const cachedBlocks = this.matchPrefix(hashes);
    const privateBlocks = Math.max(0, this.blocksFor(totalTokens) - hashes.length);
    let idleHits = 0;
    for (let i = 0; i < cachedBlocks; i++) if (this.idle.has(hashes[i] as string)) idleHits++;
    const newBlocks = hashes.length - cachedBlocks + privateBlocks;
    const free = this.numBlocks - this.usedBlocks - this.idle.size;
    const evictable = this.idle.size - idleHits;
    if (newBlocks > free + evictable) return null;

    for (let i = 0; i < cachedBlocks; i++) this.ref(hashes[i] as string);
    this.evict(newBlocks - free);
    const stored = hashes.slice(cachedBlocks);
    for (const h of stored) this.referenced.set(h, 1);
    this.privateBlocks += privateBlocks;
    if (stored.length > 0) this.listener?.stored(stored);
    return { hashes, cachedBlocks, privateBlocks };
  }

  release(allocation: KvAllocation): void {
    this.privateBlocks -= allocation.privateBlocks;
    // Release the tail first so it is evicted before the blocks the prefix depends on.
    for (let i = allocation.hashes.length - 1; i >= 0; i--) {
      const h = allocation.hashes[i] as string;
      const refs = this.referenced.get(h);
      if (refs === undefined) continue;
      if (refs > 1) {
        this.referenced.set(h, refs - 1);
      } else {
        this.referenced.delete(h);
        this.idle.add(h);
      }
    }
  }

  private isCached(hash: string): boolean {
    return this.referenced.has(hash) || this.idle.has(hash);
  }

  private ref(hash: string): void {
    if (this.idle.delete(hash)) this.referenced.set(hash, 1);
    else this.referenced.set(hash, (this.referenced.get(hash) ?? 0) + 1);
  }

  private evict(count: number): void {
    if (count <= 0) return;
    const removed: string[] = [];
    for (const h of this.idle) {
      if (removed.length === count) break;
      removed.push(h);
    }
    for (const h of removed) this.idle.delete(h);
    this.listener?.removed(removed);
  }
}
