package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/** Rejects a color other than {@code #rrggbb}; no color at all is fine (the client's default). */
@Component(service = DanmakuFilter.class, property = "service.ranking:Integer=" + DanmakuFilter.RANKING_VALIDATION)
public class ColorFilter implements DanmakuFilter {

    private static final Pattern RGB = Pattern.compile("#[0-9a-fA-F]{6}");

    @Override
    public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
        String color = draft.color();
        if (color == null || RGB.matcher(color).matches()) {
            return FilterDecision.pass();
        }
        return FilterDecision.reject(DanmakuErrorCode.BAD_COLOR, "Color must be #rrggbb");
    }

    @Override
    public String name() {
        return "color";
    }
}
