package io.edamame.slides.impl.render;

import io.edamame.core.api.EdamameException;
import io.edamame.slides.api.SlideErrorCode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every page of a PDF to a PNG with Apache PDFBox, headless. Memory stays bounded: the file is read
 * from disk, PDFBox keeps at most {@value #MAIN_MEMORY_BYTES} bytes of decoded streams in memory and the
 * rest in temporary files of the work directory, pages are rendered one at a time at a bounded size, and
 * images inside a page may be subsampled.
 *
 * <p>What comes from the user is checked before anything is rendered: a PDF that does not open, opens only
 * with a password, or has no pages is {@code INVALID_PDF}; too many pages is {@code TOO_MANY_PAGES}.
 */
public final class PdfRenderer {

    /** A page is at most this many times taller than wide once rendered; taller pages are rendered narrower. */
    static final int MAX_ASPECT = 4;
    static final long MAIN_MEMORY_BYTES = 16L * 1024 * 1024;
    static final long SCRATCH_BYTES = 1024L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PdfRenderer.class);

    /** The outcome of a render: how many pages, and the width the pages were rendered at. */
    public record Rendered(int pageCount, int width) {
    }

    private final int width;
    private final int maxPages;

    public PdfRenderer(int width, int maxPages) {
        this.width = width;
        this.maxPages = maxPages;
    }

    /** The file name of a page's image: {@code page-0001.png} for page 1. */
    public static String pageFile(int page) {
        return String.format("page-%04d.png", page);
    }

    /**
     * Renders each page of {@code pdf} to {@link #pageFile} in {@code pagesDir} (which must exist), using
     * {@code scratchDir} for PDFBox's temporary files. On failure, files already written are left to the
     * caller, which deletes its directories.
     *
     * @throws EdamameException {@code INVALID_PDF} or {@code TOO_MANY_PAGES}
     * @throws UncheckedIOException when an image cannot be written
     */
    public Rendered render(Path pdf, Path pagesDir, Path scratchDir) {
        MemoryUsageSetting memory = MemoryUsageSetting.setupMixed(MAIN_MEMORY_BYTES, SCRATCH_BYTES)
                .setTempDir(scratchDir.toFile());
        try (PDDocument document = open(pdf, memory)) {
            int pages = document.getNumberOfPages();
            if (pages < 1) {
                throw invalid("The PDF has no pages", "NO_PAGES");
            }
            if (pages > maxPages) {
                throw new EdamameException(SlideErrorCode.TOO_MANY_PAGES,
                        "The PDF has " + pages + " pages; at most " + maxPages + " are allowed",
                        Map.of("pages", pages, "maxPages", maxPages));
            }
            PDFRenderer renderer = new PDFRenderer(document);
            renderer.setSubsamplingAllowed(true);
            for (int index = 0; index < pages; index++) {
                BufferedImage image = renderPage(document, renderer, index);
                try {
                    write(image, pagesDir.resolve(pageFile(index + 1)));
                } finally {
                    image.flush();
                }
            }
            return new Rendered(pages, width);
        } catch (IOException e) {
            // Only closing can fail here: opening and rendering report their own errors.
            throw new UncheckedIOException("Closing the PDF failed", e);
        }
    }

    private static PDDocument open(Path pdf, MemoryUsageSetting memory) {
        try {
            // The empty password opens documents that have only an owner password, as every viewer does.
            return Loader.loadPDF(pdf.toFile(), "", memory.streamCache);
        } catch (InvalidPasswordException e) {
            throw invalid("The PDF is protected by a password; upload it without one", "ENCRYPTED");
        } catch (IOException | RuntimeException e) {
            LOG.debug("SLIDES: PDF does not open", e);
            throw invalid("The PDF is damaged and cannot be read: " + e.getMessage(), "DAMAGED");
        }
    }

    private BufferedImage renderPage(PDDocument document, PDFRenderer renderer, int index) {
        int page = index + 1;
        try {
            float scale = scale(document.getPage(index));
            return renderer.renderImage(index, scale, ImageType.RGB);
        } catch (IOException | RuntimeException e) {
            // PDFBox reports broken content with runtime exceptions too; the input is the user's, not a bug here.
            LOG.debug("SLIDES: page {} does not render", page, e);
            throw new EdamameException(SlideErrorCode.INVALID_PDF, "Page " + page + " of the PDF cannot be rendered",
                    Map.of("reason", "UNRENDERABLE", "page", page), e);
        }
    }

    /** Scale from PDF points to pixels: {@link #width} wide, unless that would make the page too tall. */
    float scale(PDPage page) {
        PDRectangle box = page.getCropBox();
        float w = box.getWidth();
        float h = box.getHeight();
        if (!(w >= 1 && h >= 1) || Float.isInfinite(w) || Float.isInfinite(h)) {
            throw new IllegalArgumentException("page size " + w + " x " + h);
        }
        if (page.getRotation() % 180 != 0) {
            float swap = w;
            w = h;
            h = swap;
        }
        float scale = width / w;
        if (h * scale > (float) width * MAX_ASPECT) {
            scale = width * MAX_ASPECT / h;
        }
        return scale;
    }

    private static void write(BufferedImage image, Path file) {
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Writing " + file.getFileName() + " failed", e);
        }
    }

    private static EdamameException invalid(String message, String reason) {
        return new EdamameException(SlideErrorCode.INVALID_PDF, message, Map.of("reason", reason));
    }
}
