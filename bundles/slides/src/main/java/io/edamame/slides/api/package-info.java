/**
 * The contract of the slides bundle (part of the plugin {@code media-kurento}, "slides with voice"):
 * the deck of an {@code AUDIO_SLIDES} room ({@link SlideDeck}), its page turns ({@link PageTurn}), the
 * service that turns pages and answers the current page and the replay timeline ({@link SlideService}),
 * the event posted on every turn ({@link SlideEvents}) and the error codes ({@link SlideErrorCode}).
 */
@Export
@Version("1.0.0")
package io.edamame.slides.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
