package io.edamame.itests;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small valid PDF written byte by byte (objects, cross-reference table with exact offsets, trailer), so that
 * the test probe needs no PDF library. Each page is a filled bar whose width tells the pages apart; no fonts.
 */
final class TinyPdf {

    private TinyPdf() {
    }

    static byte[] pages(int pages) {
        List<String> objects = new ArrayList<>();
        StringBuilder kids = new StringBuilder();
        for (int page = 0; page < pages; page++) {
            kids.append(page == 0 ? "" : " ").append(3 + 2 * page).append(" 0 R");
        }
        objects.add("<< /Type /Catalog /Pages 2 0 R >>");
        objects.add("<< /Type /Pages /Kids [" + kids + "] /Count " + pages + " >>");
        for (int page = 1; page <= pages; page++) {
            String content = "0 0 0 rg 20 20 " + (60 * page) + " 40 re f\n";
            objects.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Resources << >> /Contents "
                    + (4 + 2 * (page - 1)) + " 0 R >>");
            objects.add("<< /Length " + content.length() + " >>\nstream\n" + content + "endstream");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            write(out, (i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n");
        }
        int xref = out.size();
        StringBuilder table = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (int offset : offsets) {
            table.append(String.format("%010d 00000 n \n", offset));
        }
        table.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        write(out, table.toString());
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }
}
