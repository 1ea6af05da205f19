package io.edamame.slides.api;

import io.edamame.core.api.Caller;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The slides of {@code AUDIO_SLIDES} rooms: each room has at most one current deck and one current page,
 * and, once it went live, a timeline of the pages it showed. Every call is scoped to one tenant: another
 * tenant's room is {@code ROOM_NOT_FOUND}.
 *
 * <p>Reads do not check who asks: callers run the core's access check ({@code RoomAccessService}) first,
 * as the REST resource and the signaling channel do. Writes check that the caller is the room's host or a
 * tenant admin, and that the tenant has the plugin {@value #PLUGIN_ID} switched on.
 */
@ProviderType
public interface SlideService {

    /** The plugin slides belong to ("slides with voice"); registered by the media bundle. */
    String PLUGIN_ID = "media-kurento";

    /** The room's current deck, if one was uploaded. */
    Optional<SlideDeck> currentDeck(long tenantId, long roomId);

    /** A deck of the room: the current one, or an older one that the room's timeline shows. */
    Optional<SlideDeck> deck(long tenantId, long roomId, long deckId);

    /** The page the room shows now, if it has a deck. */
    Optional<PageTurn> currentPage(long tenantId, long roomId);

    /**
     * Shows {@code page} of the current deck to every viewer. While the room is live the turn is recorded in
     * the timeline with its offset from the start of the live; before the live it only sets the current page.
     * Turning to the page already shown changes nothing and returns the current page. Posts
     * {@link SlideEvents#PAGE_TURNED} after the change is committed.
     *
     * @throws io.edamame.core.api.EdamameException {@code ROOM_NOT_FOUND}; {@code FORBIDDEN} unless the
     *         caller is the room's host or a tenant admin; {@code PLUGIN_DISABLED};
     *         {@link SlideErrorCode#NOT_A_SLIDES_ROOM}; {@link SlideErrorCode#ROOM_ENDED};
     *         {@link SlideErrorCode#NO_DECK}; {@link SlideErrorCode#PAGE_OUT_OF_RANGE}
     */
    PageTurn turnPage(Caller caller, long tenantId, long roomId, int page);

    /**
     * Reads a PDF from {@code pdf} (at most {@code max.upload.bytes}; the stream is not read further),
     * renders its pages and makes it the room's deck, shown from page 1. The previous deck is deleted unless
     * the timeline shows it. All or nothing: a refused or failed upload leaves no file and no row behind.
     * Does not close {@code pdf}.
     *
     * @param fileName the name to show; directories are dropped; null for {@code slides.pdf}
     * @throws io.edamame.core.api.EdamameException as {@link #turnPage}, and {@link SlideErrorCode#NOT_A_PDF},
     *         {@link SlideErrorCode#INVALID_PDF}, {@link SlideErrorCode#PDF_TOO_LARGE},
     *         {@link SlideErrorCode#TOO_MANY_PAGES}, {@link SlideErrorCode#RENDERER_BUSY}
     */
    SlideDeck upload(Caller caller, long tenantId, long roomId, String fileName, InputStream pdf);

    /**
     * The pages the room showed during its live, in order of offset: the page shown when the live started
     * (offset 0), then every turn and new deck. Empty before the live, or when the room never had a deck.
     *
     * @throws io.edamame.core.api.EdamameException {@code ROOM_NOT_FOUND}
     */
    List<PageTurn> timeline(long tenantId, long roomId);
}
