package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import org.osgi.service.component.annotations.Component;

/**
 * Normalises the text, then rejects it if nothing visible is left or it is too long. Line breaks
 * become spaces, since a danmaku is one line on screen. Control characters are removed, and so are
 * the bidirectional embedding, override and isolate characters: one of those would reverse or reorder
 * the text drawn after it for every viewer. Joiners and variation selectors stay, as emoji need them.
 * Length is counted in code points after normalisation, so an emoji counts as one.
 */
@Component(service = DanmakuFilter.class, property = "service.ranking:Integer=" + DanmakuFilter.RANKING_VALIDATION)
public class TextRulesFilter implements DanmakuFilter {

    @Override
    public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
        String text = normalise(draft.text());
        if (isBlank(text)) {
            return FilterDecision.reject(DanmakuErrorCode.TEXT_EMPTY, "Danmaku text is empty");
        }
        int maxLength = context.settings().maxLength();
        if (text.codePointCount(0, text.length()) > maxLength) {
            return FilterDecision.reject(DanmakuErrorCode.TEXT_TOO_LONG,
                    "Danmaku text is longer than " + maxLength + " characters");
        }
        return text.equals(draft.text()) ? FilterDecision.pass() : FilterDecision.rewrite(text);
    }

    static String normalise(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineBreak = isLineBreak(c);
            if (lineBreak || isRemoved(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                // CR LF is one line break, hence one space.
                if (lineBreak && !(c == '\n' && i > 0 && text.charAt(i - 1) == '\r')) {
                    out.append(' ');
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    private static boolean isRemoved(char c) {
        return Character.getType(c) == Character.CONTROL
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** White space in the wide sense: includes no-break and ideographic spaces. */
    private static boolean isBlank(String text) {
        return text.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
    }

    @Override
    public String name() {
        return "text-rules";
    }
}
