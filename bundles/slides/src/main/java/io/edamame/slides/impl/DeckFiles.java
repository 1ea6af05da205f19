package io.edamame.slides.impl;

import io.edamame.slides.impl.render.PdfRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page images on disk: {@code <root>/<tenantId>/<roomId>/<deckId>/page-0001.png}. An upload works in a
 * directory of its own under {@code <root>/.staging} and its pages become visible in one atomic move, so
 * a deck directory is either complete or absent.
 */
public final class DeckFiles {

    static final String STAGING = ".staging";

    private static final Logger LOG = LoggerFactory.getLogger(DeckFiles.class);

    private final Path root;

    public DeckFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Creates the root and the staging directory; they must be writable. */
    public void prepare() {
        try {
            Files.createDirectories(root.resolve(STAGING));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the slides directory " + root, e);
        }
    }

    /** A new empty directory for one upload's work. */
    public Path newStaging() {
        try {
            return Files.createDirectories(root.resolve(STAGING).resolve(UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a staging directory under " + root, e);
        }
    }

    public Path roomDir(long tenantId, long roomId) {
        return root.resolve(Long.toString(tenantId)).resolve(Long.toString(roomId));
    }

    public Path deckDir(long tenantId, long roomId, long deckId) {
        return roomDir(tenantId, roomId).resolve(Long.toString(deckId));
    }

    public Path page(long tenantId, long roomId, long deckId, int page) {
        return deckDir(tenantId, roomId, deckId).resolve(PdfRenderer.pageFile(page));
    }

    /** Moves a complete set of pages to the deck's directory, at once. */
    public void publish(Path pages, long tenantId, long roomId, long deckId) {
        Path target = deckDir(tenantId, roomId, deckId);
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.move(pages, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // Same file system by construction; this is for file systems without atomic renames.
                Files.move(pages, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot publish the pages of deck " + deckId + " to " + target, e);
        }
    }

    public void deleteDeck(long tenantId, long roomId, long deckId) {
        deleteTree(deckDir(tenantId, roomId, deckId));
    }

    public void deleteRoom(long tenantId, long roomId) {
        deleteTree(roomDir(tenantId, roomId));
    }

    /** Deletes staging directories left by uploads that died with their node (older than {@code age}). */
    public void sweepStaging(Duration age) {
        Instant before = Instant.now().minus(age);
        try (Stream<Path> entries = Files.list(root.resolve(STAGING))) {
            entries.filter(path -> {
                try {
                    return Files.getLastModifiedTime(path).toInstant().isBefore(before);
                } catch (IOException e) {
                    return false;
                }
            }).forEach(DeckFiles::deleteTree);
        } catch (NoSuchFileException e) {
            // nothing staged yet
        } catch (IOException e) {
            LOG.warn("SLIDES: could not list {} to sweep it: {}", root.resolve(STAGING), e.getMessage());
        }
    }

    /** Deletes a directory and everything under it; logs what it could not delete. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("SLIDES: could not delete {}: {}", dir, e.toString());
        }
    }
}
