// The bounded cache of parsed manifests that both artifact storages keep: an
// artifact never changes once committed, so a manifest parsed once serves
// every later request for its files, and memory stays bounded by weight (the
// manifest's JSON length).

/** Least recently used first; evicts while the total weight exceeds `maxWeight`, keeping at least the newest entry. */
export class WeightedLru<V extends { weight: number }> {
  private readonly entries = new Map<string, V>();
  private total = 0;

  constructor(private readonly maxWeight: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    this.total += value.weight;
    for (const [oldest] of this.entries) {
      if (this.total <= this.maxWeight || this.entries.size === 1) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (!value) return;
    this.entries.delete(key);
    this.total -= value.weight;
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }
}
