package io.edamame.slides.impl.store;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.core.testing.DatabaseTest;
import io.edamame.slides.api.PageTurn;
import io.edamame.slides.api.SlideDeck;
import io.edamame.slides.api.SlideErrorCode;
import io.edamame.slides.testing.Rows;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The slides tables on a real database: each kind of database runs every test. */
abstract class SlideStoreTestBase extends DatabaseTest {

    private static final AtomicLong ROOMS = new AtomicLong(100);
    private static final long TENANT = 7;
    private static final long START = CoreServices.NOW.toEpochMilli();

    SlideStore store;

    SlideStoreTestBase(DatabaseKind kind) {
        super(kind);
    }

    @BeforeAll
    void migrate() {
        if (core != null) {
            CoreServices.migrate(core.dataSource, SlideStore.CHANGELOG, SlideStore.class.getClassLoader());
            store = new SlideStore(core.dataSource);
        }
    }

    static long newRoom() {
        return ROOMS.incrementAndGet();
    }

    SlideDeck deck(long room, int pages, long atMs) {
        return new SlideDeck(store.nextDeckId(), TENANT, room, "d.pdf", pages, 1234, "ab".repeat(32), 320, 5,
                Instant.ofEpochMilli(atMs));
    }

    static PageTurn turn(long room, long deck, int page, Long offset, long atMs) {
        return new PageTurn(TENANT, room, deck, page, offset, Instant.ofEpochMilli(atMs));
    }

    @Test
    void deckIdsAreNeverTakenTwice() {
        long first = store.nextDeckId();
        long second = store.nextDeckId();
        assertTrue(second > first, first + " then " + second);
    }

    @Test
    void aDeckIsStoredWithEveryFieldAndOnlyInItsRoom() {
        long room = newRoom();
        SlideDeck deck = deck(room, 3, START);
        store.commitDeck(deck, null, null);
        assertEquals(Optional.of(deck), store.deck(TENANT, room, deck.id()));
        assertEquals(Optional.of(deck), store.currentDeck(TENANT, room));
        assertEquals(Optional.empty(), store.deck(TENANT, room + 1, deck.id()), "another room");
        assertEquals(Optional.empty(), store.deck(TENANT + 1, room, deck.id()), "another tenant");
        assertEquals(Optional.empty(), store.currentDeck(TENANT + 1, room));
    }

    @Test
    void turnsBeforeTheLiveAreNotInTheTimeline() {
        long room = newRoom();
        SlideDeck deck = deck(room, 3, START);
        store.commitDeck(deck, null, null);
        SlideStore.Turned turned = store.turn(TENANT, room, 2, START + 10, null, null);
        assertTrue(turned.changed());
        assertEquals(turn(room, deck.id(), 2, null, START + 10), turned.turn());
        assertEquals(3, turned.pageCount());
        assertEquals(List.of(), store.timeline(TENANT, room));
        assertFalse(store.room(TENANT, room).timelineStarted());
    }

    @Test
    void theFirstTurnOfTheLiveRecordsThePageShownAtItsStart() {
        long room = newRoom();
        SlideDeck deck = deck(room, 5, START - 60_000);
        store.commitDeck(deck, null, null);
        store.turn(TENANT, room, 3, START - 30_000, null, null);

        store.turn(TENANT, room, 4, START + 5_000, 5_000L, START);
        store.turn(TENANT, room, 5, START + 9_000, 9_000L, START);

        assertEquals(List.of(turn(room, deck.id(), 3, 0L, START), turn(room, deck.id(), 4, 5_000L, START + 5_000),
                turn(room, deck.id(), 5, 9_000L, START + 9_000)), store.timeline(TENANT, room));
        assertTrue(store.room(TENANT, room).timelineStarted());
    }

    @Test
    void offsetsNeverGoBackEvenWhenClocksDisagree() {
        long room = newRoom();
        SlideDeck deck = deck(room, 5, START);
        store.commitDeck(deck, 0L, START);
        store.turn(TENANT, room, 2, START + 10_000, 10_000L, START);
        // Another node whose clock is 3 s behind turns next.
        PageTurn late = store.turn(TENANT, room, 3, START + 7_000, 7_000L, START).turn();
        assertEquals(10_000L, late.offsetMs());
        assertEquals(List.of(1, 2, 3), store.timeline(TENANT, room).stream().map(PageTurn::page).toList());
    }

    @Test
    void aRefusedTurnChangesNothing() {
        long room = newRoom();
        assertError(SlideErrorCode.NO_DECK, () -> store.turn(TENANT, room, 1, START, 0L, START));
        SlideDeck deck = deck(room, 2, START);
        store.commitDeck(deck, 0L, START);
        assertError(SlideErrorCode.PAGE_OUT_OF_RANGE, () -> store.turn(TENANT, room, 3, START + 1, 1L, START));
        assertEquals(1, store.room(TENANT, room).page());
        assertEquals(1, store.timeline(TENANT, room).size());
    }

    @Test
    void theSamePageAgainIsNoChange() {
        long room = newRoom();
        SlideDeck deck = deck(room, 2, START);
        store.commitDeck(deck, 0L, START);
        SlideStore.Turned again = store.turn(TENANT, room, 1, START + 50, 50L, START);
        assertFalse(again.changed());
        assertEquals(turn(room, deck.id(), 1, 0L, START), again.turn());
        assertEquals(1, store.timeline(TENANT, room).size());
    }

    @Test
    void aReplacedDeckIsDeletedUnlessTheTimelineShowsIt() {
        long room = newRoom();
        SlideDeck before = deck(room, 2, START - 1000);
        store.commitDeck(before, null, null);
        SlideDeck first = deck(room, 2, START - 500);
        SlideStore.Committed replacedBefore = store.commitDeck(first, null, null);
        assertEquals(Optional.of(before.id()), replacedBefore.deletedDeckId());
        assertEquals(Optional.empty(), store.deck(TENANT, room, before.id()));

        SlideDeck second = deck(room, 4, START + 2000);
        SlideStore.Committed replacedLive = store.commitDeck(second, 2000L, START);
        assertEquals(Optional.empty(), replacedLive.deletedDeckId(), "the timeline shows it from the start");
        assertEquals(turn(room, second.id(), 1, 2000L, START + 2000), replacedLive.turn());
        assertEquals(Optional.of(first), store.deck(TENANT, room, first.id()));
        assertEquals(List.of(first, second), store.timelineDecks(TENANT, room));
        assertEquals(List.of(turn(room, first.id(), 1, 0L, START), turn(room, second.id(), 1, 2000L, START + 2000)),
                store.timeline(TENANT, room));
    }

    @Test
    void twoFirstUploadsAtOnceLeaveOneDeck() throws Exception {
        long room = newRoom();
        SlideDeck a = deck(room, 1, START);
        SlideDeck b = deck(room, 1, START);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Callable<SlideStore.Committed> commitA = () -> {
                go.await();
                return store.commitDeck(a, null, null);
            };
            Callable<SlideStore.Committed> commitB = () -> {
                go.await();
                return store.commitDeck(b, null, null);
            };
            Future<SlideStore.Committed> fa = threads.submit(commitA);
            Future<SlideStore.Committed> fb = threads.submit(commitB);
            go.countDown();
            List<Optional<Long>> deleted = List.of(fa.get(30, TimeUnit.SECONDS).deletedDeckId(),
                    fb.get(30, TimeUnit.SECONDS).deletedDeckId());
            SlideDeck current = store.currentDeck(TENANT, room).orElseThrow();
            long loser = current.id() == a.id() ? b.id() : a.id();
            assertTrue(deleted.contains(Optional.of(loser)), "the first committed deck is replaced: " + deleted);
            assertEquals(1, Rows.count(core.dataSource, "slide_room", TENANT, room));
            assertEquals(1, Rows.count(core.dataSource, "slide_deck", TENANT, room));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void deletingARoomRemovesItsRowsOnly() {
        long room = newRoom();
        long other = newRoom();
        SlideDeck deck = deck(room, 2, START);
        store.commitDeck(deck, 0L, START);
        store.turn(TENANT, room, 2, START + 1, 1L, START);
        store.commitDeck(deck(other, 1, START), null, null);

        assertEquals(List.of(deck.id()), store.deleteRoom(TENANT, room));

        for (String table : List.of("slide_deck", "slide_room", "slide_page_turn")) {
            assertEquals(0, Rows.count(core.dataSource, table, TENANT, room), table);
        }
        assertTrue(store.currentDeck(TENANT, other).isPresent());
    }
}
