package io.edamame.danmaku.impl.store;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Danmaku ids, unique across every node: each node takes blocks of {@link DanmakuStore#ID_BLOCK} from
 * a database sequence and hands them out from memory, so that one danmaku in a thousand costs a
 * sequence read. Ids of a block a node did not finish are skipped, never reused; ids rise on each node,
 * not across nodes (history is ordered by offset, then id).
 */
@Component(service = DanmakuIds.class)
public class DanmakuIds {

    private final DanmakuStore store;
    private long next;
    private long end;

    @Activate
    public DanmakuIds(@Reference DanmakuStore store) {
        this.store = store;
    }

    /** @throws StoreException if a new block was needed and the database failed */
    public synchronized long next() {
        if (next == end) {
            long start = store.nextIdBlock();
            next = start;
            end = start + DanmakuStore.ID_BLOCK;
        }
        return next++;
    }
}
