/** A map whose entries expire after a fixed time; a zero TTL caches nothing. Sized for review caches, so bounded. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, {value: V; expiresAt: number}>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 4096,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    if (ttlMs <= 0) return
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(key, {value, expiresAt: this.now() + ttlMs})
  }
}
