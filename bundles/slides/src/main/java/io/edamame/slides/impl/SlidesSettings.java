package io.edamame.slides.impl;

import java.nio.file.Path;

/** The checked configuration of the slides bundle. */
public record SlidesSettings(Path storageDir, long maxUploadBytes, int maxPages, int renderWidth,
                             int renderConcurrency, int renderWaitSeconds) {

    public static final String PID = "io.edamame.slides";
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 20L * 1024 * 1024;
    public static final int DEFAULT_MAX_PAGES = 300;
    public static final int DEFAULT_RENDER_WIDTH = 1600;
    public static final int DEFAULT_RENDER_CONCURRENCY = 2;
    public static final int DEFAULT_RENDER_WAIT_SECONDS = 30;

    public SlidesSettings {
        java.util.Objects.requireNonNull(storageDir, "storageDir");
        require(maxUploadBytes >= 1024, "max.upload.bytes", maxUploadBytes, "must be at least 1024");
        require(maxPages >= 1 && maxPages <= 9999, "max.pages", maxPages, "must be 1 to 9999");
        require(renderWidth >= 100 && renderWidth <= 8000, "render.width", renderWidth, "must be 100 to 8000");
        require(renderConcurrency >= 1, "render.concurrency", renderConcurrency, "must be at least 1");
        require(renderWaitSeconds >= 0, "render.wait.seconds", renderWaitSeconds, "must be 0 or more");
    }

    /**
     * The settings of {@code config}; an empty {@code storage.dir} is {@code ${karaf.data}/edamame/slides},
     * or a directory under {@code java.io.tmpdir} outside Karaf (tests).
     *
     * @throws IllegalArgumentException naming the property that is wrong
     */
    public static SlidesSettings of(SlidesConfig config) {
        String dir = config.storage_dir() == null ? "" : config.storage_dir().trim();
        Path storage;
        if (!dir.isEmpty()) {
            storage = Path.of(dir);
        } else if (System.getProperty("karaf.data") != null) {
            storage = Path.of(System.getProperty("karaf.data"), "edamame", "slides");
        } else {
            storage = Path.of(System.getProperty("java.io.tmpdir"), "edamame-slides");
        }
        return new SlidesSettings(storage, config.max_upload_bytes(), config.max_pages(), config.render_width(),
                config.render_concurrency(), config.render_wait_seconds());
    }

    private static void require(boolean ok, String property, Object value, String what) {
        if (!ok) {
            throw new IllegalArgumentException(PID + ": " + property + " = " + value + " " + what);
        }
    }
}
