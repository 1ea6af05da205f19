package io.edamame.core.impl.persistence;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A small read-through cache whose entries live for a bounded time. Changes made on this node
 * replace entries at once; the time bound is how long another node's change may take to show here.
 */
public final class TtlCache<K, V> {

    private record Entry<V>(V value, long loadedAt) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;

    public TtlCache(long ttlMillis) {
        this.ttlNanos = ttlMillis * 1_000_000L;
    }

    /** The cached value, or {@code loader}'s (which may be null: absence is cached too). */
    public V get(K key, Function<K, V> loader) {
        long now = System.nanoTime();
        Entry<V> entry = entries.get(key);
        if (entry == null || now - entry.loadedAt > ttlNanos) {
            entry = new Entry<>(loader.apply(key), now);
            entries.put(key, entry);
        }
        return entry.value;
    }

    public void put(K key, V value) {
        entries.put(key, new Entry<>(value, System.nanoTime()));
    }

    public void invalidate(K key) {
        entries.remove(key);
    }

    public void clear() {
        entries.clear();
    }
}
