package io.edamame.bench.danmaku;

/**
 * Reads a top-level field of the small, flat frames a publisher gets back ({@code ack}, {@code error}):
 * a hundred a second, so a full JSON parser is not needed, but escapes in strings are honoured.
 */
final class JsonFields {

    private JsonFields() {
    }

    /** The value of the first {@code "name":} in {@code json}: a string unescaped, other values as written; null if absent. */
    static String field(String json, String name) {
        String key = "\"" + name + "\"";
        int at = json.indexOf(key);
        while (at >= 0) {
            int p = skipSpaces(json, at + key.length());
            if (p < json.length() && json.charAt(p) == ':') {
                p = skipSpaces(json, p + 1);
                return p < json.length() && json.charAt(p) == '"' ? string(json, p + 1) : literal(json, p);
            }
            at = json.indexOf(key, at + 1);
        }
        return null;
    }

    private static int skipSpaces(String s, int p) {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static String string(String s, int p) {
        StringBuilder out = new StringBuilder();
        while (p < s.length()) {
            char c = s.charAt(p++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\' && p < s.length()) {
                char e = s.charAt(p++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (p + 4 <= s.length()) {
                            out.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                            p += 4;
                        }
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        return null;
    }

    private static String literal(String s, int p) {
        int end = p;
        while (end < s.length() && ",}] \t\r\n".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        String value = s.substring(p, end);
        return value.isEmpty() || value.equals("null") ? null : value;
    }
}
