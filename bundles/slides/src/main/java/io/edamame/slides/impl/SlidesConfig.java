package io.edamame.slides.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@value SlidesSettings#PID} (optional; every property has a default). */
@ObjectClassDefinition(name = "Edamame slides",
        description = "PDF uploads of AUDIO_SLIDES rooms and the page images rendered from them")
public @interface SlidesConfig {

    @AttributeDefinition(name = "Storage directory",
            description = "Where page images are kept; empty: ${karaf.data}/edamame/slides. Every node of a "
                    + "cluster must see the same directory (shared storage).")
    String storage_dir() default "";

    @AttributeDefinition(name = "Largest PDF (bytes)", description = "Larger uploads are refused with 413 PDF_TOO_LARGE",
            min = "1024")
    long max_upload_bytes() default SlidesSettings.DEFAULT_MAX_UPLOAD_BYTES;

    @AttributeDefinition(name = "Most pages", min = "1", max = "9999")
    int max_pages() default SlidesSettings.DEFAULT_MAX_PAGES;

    @AttributeDefinition(name = "Image width (pixels)",
            description = "Pages are rendered this wide; heights follow each page's aspect ratio", min = "100", max = "8000")
    int render_width() default SlidesSettings.DEFAULT_RENDER_WIDTH;

    @AttributeDefinition(name = "Uploads rendered at once", description = "On this node; others wait", min = "1")
    int render_concurrency() default SlidesSettings.DEFAULT_RENDER_CONCURRENCY;

    @AttributeDefinition(name = "Longest wait for a renderer (seconds)",
            description = "An upload that waits longer is refused with 503 RENDERER_BUSY", min = "0")
    int render_wait_seconds() default SlidesSettings.DEFAULT_RENDER_WAIT_SECONDS;
}
