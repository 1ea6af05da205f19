package io.edamame.slides.impl.render;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.slides.api.SlideErrorCode;
import io.edamame.slides.testing.TestPdfs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdfRendererTest {

    @TempDir
    Path dir;
    Path pages;
    Path scratch;

    @BeforeEach
    void dirs() throws IOException {
        pages = Files.createDirectories(dir.resolve("pages"));
        scratch = Files.createDirectories(dir.resolve("scratch"));
    }

    private Path pdf(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("in.pdf"), bytes);
    }

    private BufferedImage page(int n) throws IOException {
        return ImageIO.read(pages.resolve(PdfRenderer.pageFile(n)).toFile());
    }

    private List<String> pageFiles() throws IOException {
        try (Stream<Path> files = Files.list(pages)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyPageBecomesAPngOfTheConfiguredWidth() throws IOException {
        PdfRenderer.Rendered rendered = new PdfRenderer(1600, 300).render(pdf(TestPdfs.a4(2)), pages, scratch);
        assertEquals(new PdfRenderer.Rendered(2, 1600), rendered);
        assertEquals(List.of("page-0001.png", "page-0002.png"), pageFiles());
        BufferedImage first = page(1);
        assertEquals(1600, first.getWidth());
        assertEquals(1600 * 841.89 / 595.28, first.getHeight(), 1.0);
    }

    @Test
    void pagesKeepTheirAspectRatioAndRotation() throws IOException {
        new PdfRenderer(400, 300).render(pdf(TestPdfs.pages(new PDRectangle(842, 595), 0, 1)), pages, scratch);
        assertEquals(400, page(1).getWidth());
        assertEquals(400 * 595 / 842.0, page(1).getHeight(), 1.0, "landscape");

        new PdfRenderer(400, 300).render(pdf(TestPdfs.pages(PDRectangle.A4, 90, 1)), pages, scratch);
        assertEquals(400, page(1).getWidth());
        assertEquals(400 * 595.28 / 841.89, page(1).getHeight(), 1.0, "a portrait page turned by 90 degrees shows landscape");
    }

    @Test
    void aVeryTallPageIsRenderedNarrowerSoThatItsHeightStaysBounded() throws IOException {
        new PdfRenderer(400, 300).render(pdf(TestPdfs.pages(new PDRectangle(100, 5000), 0, 1)), pages, scratch);
        assertEquals(400 * PdfRenderer.MAX_ASPECT, page(1).getHeight(), 1.0);
        assertEquals(400 * PdfRenderer.MAX_ASPECT * 100 / 5000.0, page(1).getWidth(), 1.0);
    }

    @Test
    void whatIsOnThePageIsOnTheImage() throws IOException {
        new PdfRenderer(600, 300).render(pdf(TestPdfs.a4(1)), pages, scratch);
        BufferedImage image = page(1);
        // The text "Page 1" sits just above the middle, left of centre; the black bar is at the top.
        assertTrue(darkPixels(image, image.getHeight() / 3, image.getHeight() / 2) > 100, "the text is drawn");
        assertEquals(0, darkPixels(image, image.getHeight() * 2 / 3, image.getHeight()), "the bottom is white");
        assertTrue(darkPixels(image, 0, image.getHeight() / 20) > image.getWidth(), "the bar is drawn");
    }

    private static int darkPixels(BufferedImage image, int fromRow, int toRow) {
        int dark = 0;
        for (int y = fromRow; y < toRow; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 64 && ((rgb >> 8) & 0xff) < 64 && (rgb & 0xff) < 64) {
                    dark++;
                }
            }
        }
        return dark;
    }

    @Test
    void tooManyPagesAreRefusedBeforeAnyPageIsRendered() throws IOException {
        Path input = pdf(TestPdfs.a4(4));
        assertError(SlideErrorCode.TOO_MANY_PAGES, () -> new PdfRenderer(200, 3).render(input, pages, scratch));
        assertEquals(List.of(), pageFiles());
    }

    @Test
    void damagedEncryptedAndEmptyPdfsAreInvalid() throws IOException {
        PdfRenderer renderer = new PdfRenderer(200, 300);
        Path damaged = pdf(TestPdfs.damaged());
        assertError(SlideErrorCode.INVALID_PDF, () -> renderer.render(damaged, pages, scratch));
        Path encrypted = pdf(TestPdfs.encrypted("secret"));
        assertError(SlideErrorCode.INVALID_PDF, () -> renderer.render(encrypted, pages, scratch));
        Path empty = pdf(TestPdfs.noPages());
        assertError(SlideErrorCode.INVALID_PDF, () -> renderer.render(empty, pages, scratch));
        assertEquals(List.of(), pageFiles());
    }

    @Test
    void aPdfCutShortIsRepairedOrRefusedButNeverHalfRendered() throws IOException {
        byte[] whole = TestPdfs.a4(3);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        Path input = pdf(cut);
        try {
            PdfRenderer.Rendered rendered = new PdfRenderer(200, 300).render(input, pages, scratch);
            assertEquals(rendered.pageCount(), pageFiles().size(), "every page it counts is rendered");
        } catch (io.edamame.core.api.EdamameException e) {
            assertEquals(SlideErrorCode.INVALID_PDF, e.code());
        }
    }
}
