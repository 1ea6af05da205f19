package io.edamame.slides.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** PDFs made with PDFBox for the tests: pages of given sizes with text, encrypted ones, damaged ones. */
public final class TestPdfs {

    private TestPdfs() {
    }

    /** {@code pages} A4 portrait pages, each with "Page n" in large black letters on white. */
    public static byte[] a4(int pages) {
        return pages(PDRectangle.A4, 0, pages);
    }

    /** {@code pages} pages of {@code size}, rotated by {@code rotation} degrees, each with its number in text. */
    public static byte[] pages(PDRectangle size, int rotation, int pages) {
        try (PDDocument document = new PDDocument()) {
            addPages(document, size, rotation, pages);
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF that opens only with {@code userPassword}. */
    public static byte[] encrypted(String userPassword) {
        return protectedBy("owner-secret", userPassword);
    }

    /** A PDF with an owner password only: every reader opens it without a password. */
    public static byte[] ownerPasswordOnly() {
        return protectedBy("owner-secret", "");
    }

    private static byte[] protectedBy(String ownerPassword, String userPassword) {
        try (PDDocument document = new PDDocument()) {
            addPages(document, PDRectangle.A4, 0, 2);
            StandardProtectionPolicy policy = new StandardProtectionPolicy(ownerPassword, userPassword,
                    new AccessPermission());
            policy.setEncryptionKeyLength(128);
            document.protect(policy);
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid PDF without a page. */
    public static byte[] noPages() {
        try (PDDocument document = new PDDocument()) {
            return save(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PDF header followed by bytes that are no PDF at all. */
    public static byte[] damaged() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        byte[] header = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
        byte[] pdf = new byte[header.length + noise.length];
        System.arraycopy(header, 0, pdf, 0, header.length);
        System.arraycopy(noise, 0, pdf, header.length, noise.length);
        return pdf;
    }

    private static void addPages(PDDocument document, PDRectangle size, int rotation, int pages) throws IOException {
        PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        for (int n = 1; n <= pages; n++) {
            PDPage page = new PDPage(size);
            page.setRotation(rotation);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(font, Math.min(size.getWidth(), size.getHeight()) / 6);
                content.newLineAtOffset(size.getWidth() / 10, size.getHeight() / 2);
                content.showText("Page " + n);
                content.endText();
                // A black bar across the top, so that every page has dark pixels even without fonts.
                content.addRect(0, size.getHeight() - size.getHeight() / 10, size.getWidth(), size.getHeight() / 10);
                content.fill();
            }
        }
    }

    private static byte[] save(PDDocument document) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.save(out);
        return out.toByteArray();
    }
}
