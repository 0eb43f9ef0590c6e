/**
 * Promises made once and shared by every caller, by key. A promise that rejects is
 * forgotten (unless it was replaced meanwhile), so the next call for its key tries again.
 */
export class PromiseCache<K, V> {
  private readonly entries = new Map<K, Promise<V>>();

  /** The cached promise for `key`, or the one `make` starts now. */
  get(key: K, make: () => Promise<V>): Promise<V> {
    let promise = this.entries.get(key);
    if (!promise) {
      const made = make();
      promise = made;
      this.entries.set(key, made);
      made.catch(() => {
        if (this.entries.get(key) === made) this.entries.delete(key);
      });
    }
    return promise;
  }

  /** The cached promise for `key`, without starting one. */
  peek(key: K): Promise<V> | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  delete(key: K): Promise<V> | undefined {
    const promise = this.entries.get(key);
    this.entries.delete(key);
    return promise;
  }

  /** Empties the cache and hands back what it held (to release it). */
  takeAll(): Promise<V>[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }

  /** Forgets the entries whose key passes `test`, and hands back what they held. */
  takeWhere(test: (key: K) => boolean): Promise<V>[] {
    const taken: Promise<V>[] = [];
    for (const [key, promise] of this.entries) {
      if (!test(key)) continue;
      this.entries.delete(key);
      taken.push(promise);
    }
    return taken;
  }
}

/** One promise made once and shared (a PromiseCache of one): a rejected one is forgotten, so the next `get` tries again. */
export class CachedPromise<V> {
  private readonly cache = new PromiseCache<null, V>();

  get(make: () => Promise<V>): Promise<V> {
    return this.cache.get(null, make);
  }

  /** The cached promise, without starting one. */
  peek(): Promise<V> | undefined {
    return this.cache.peek(null);
  }

  forget(): void {
    void this.cache.delete(null);
  }
}
