package io.edamame.danmaku.impl.fanout;

import java.util.ArrayList;
import java.util.List;

/**
 * The items of one frame, and the frame once serialised. A tick makes one batch per room and
 * serialises it at once, so every viewer that is up to date is sent the same {@code String}. A viewer
 * that falls behind gets private batches made by {@link #coalesce}; they are serialised only if they
 * are ever sent, on the thread that sends them.
 *
 * <p>Not thread-safe by itself: a shared batch is complete before any viewer sees it, and a private
 * batch is only touched under its viewer's lock or by the one thread that took it out of the queue.
 */
final class Batch {

    private final List<FanoutItem> items;
    private String frame;

    private Batch(List<FanoutItem> items, String frame) {
        this.items = items;
        this.frame = frame;
    }

    /** A batch serialised now, to be shared by every viewer of the room. */
    static Batch shared(List<FanoutItem> items, Frames frames) {
        List<FanoutItem> copy = List.copyOf(items);
        return new Batch(copy, frames.batch(copy));
    }

    List<FanoutItem> items() {
        return items;
    }

    String frame(Frames frames) {
        if (frame == null) {
            frame = frames.batch(items);
        }
        return frame;
    }

    int danmakuCount() {
        int count = 0;
        for (FanoutItem item : items) {
            if (item instanceof FanoutItem.Danmaku) {
                count++;
            }
        }
        return count;
    }

    /**
     * {@code older} and {@code newer} as one batch, without the danmaku of {@code older}: how a full
     * viewer queue makes room. Everything else of {@code older} is kept, in order and before
     * {@code newer}'s items, except what {@code newer} makes redundant: an {@code online} or
     * {@code pin} (the newer one tells the current state) and a {@code likes}, whose {@code delta} is
     * added to the newer one's so that the viewer's animation still shows every like. Retractions and
     * notices are rare and are never dropped.
     */
    static Batch coalesce(Batch older, Batch newer) {
        FanoutItem.Likes newerLikes = null;
        boolean newerHasOnline = false;
        boolean newerHasPin = false;
        for (FanoutItem item : newer.items) {
            if (item instanceof FanoutItem.Likes likes) {
                newerLikes = likes;
            }
            newerHasOnline |= item instanceof FanoutItem.Online;
            newerHasPin |= item instanceof FanoutItem.Pin;
        }
        List<FanoutItem> merged = new ArrayList<>(older.items.size() + newer.items.size());
        long olderLikesDelta = 0;
        for (FanoutItem item : older.items) {
            if (item instanceof FanoutItem.Likes likes && newerLikes != null) {
                olderLikesDelta += likes.delta();
            } else if (!(item instanceof FanoutItem.Danmaku)
                    && !(newerHasOnline && item instanceof FanoutItem.Online)
                    && !(newerHasPin && item instanceof FanoutItem.Pin)) {
                merged.add(item);
            }
        }
        for (FanoutItem item : newer.items) {
            merged.add(item == newerLikes && olderLikesDelta != 0
                    ? new FanoutItem.Likes(newerLikes.count(), newerLikes.delta() + olderLikesDelta)
                    : item);
        }
        return new Batch(merged, null);
    }
}
