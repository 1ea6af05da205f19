package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.SensitiveWordSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Word lists held in memory; counts how often the lists themselves are read. */
final class InMemoryWordSource implements SensitiveWordSource {

    private record Versioned(long version, List<String> words) {
    }

    private final Map<Long, Versioned> lists = new ConcurrentHashMap<>();
    final AtomicInteger listReads = new AtomicInteger();

    void set(long tenantId, String... words) {
        lists.merge(tenantId, new Versioned(1, List.of(words)),
                (old, fresh) -> new Versioned(old.version() + 1, fresh.words()));
    }

    @Override
    public long version(long tenantId) {
        Versioned list = lists.get(tenantId);
        return list == null ? 0 : list.version();
    }

    @Override
    public List<String> words(long tenantId) {
        listReads.incrementAndGet();
        Versioned list = lists.get(tenantId);
        return list == null ? List.of() : list.words();
    }
}
