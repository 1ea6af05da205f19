package io.edamame.danmaku.impl.store;

import io.edamame.danmaku.api.SensitiveWordSource;
import io.edamame.danmaku.impl.live.BusMessage;
import io.edamame.danmaku.impl.live.LiveRooms;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Each tenant's sensitive words from the database, managed through REST. The filter reads
 * {@link #version} for every danmaku, so versions are remembered: a change made on this node, or
 * announced on the bus by another, applies at once; without a bus, another node's change is seen
 * when the remembered version is {@value #RECHECK_MILLIS} ms old.
 */
@Component(service = {SensitiveWordSource.class, StoredSensitiveWords.class})
public class StoredSensitiveWords implements SensitiveWordSource {

    static final long RECHECK_MILLIS = 5000;

    private record Known(long version, long checkedAtMillis) {
    }

    private final DanmakuStore store;
    private final LiveRooms liveRooms;
    private final Map<Long, Known> versions = new ConcurrentHashMap<>();

    @Activate
    public StoredSensitiveWords(@Reference DanmakuStore store, @Reference LiveRooms liveRooms) {
        this.store = store;
        this.liveRooms = liveRooms;
        liveRooms.onWordsChanged(versions::remove);
    }

    @Override
    public long version(long tenantId) {
        long now = System.nanoTime() / 1_000_000;
        Known known = versions.get(tenantId);
        if (known == null || now - known.checkedAtMillis() > RECHECK_MILLIS) {
            known = new Known(store.wordsVersion(tenantId), now);
            versions.put(tenantId, known);
        }
        return known.version();
    }

    @Override
    public List<String> words(long tenantId) {
        return store.words(tenantId);
    }

    /** Replaces the tenant's list and tells every node. */
    public void replace(long tenantId, Collection<String> words) {
        store.replaceWords(tenantId, words);
        liveRooms.broadcast(new BusMessage.WordsChanged(tenantId));
    }
}
