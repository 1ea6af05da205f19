package io.edamame.danmaku.impl.filter;

import static io.edamame.danmaku.impl.filter.Drafts.T0;
import static io.edamame.danmaku.impl.filter.Drafts.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.api.FilterDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColorFilterTest {

    private final ColorFilter filter = new ColorFilter();

    private FilterDecision check(String color) {
        return filter.filter(new DanmakuDraft(1, 2, 3, "u", "hi", color, DanmakuMode.TOP, null, T0), at(T0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"#ffffff", "#000000", "#A1b2C3"})
    void passesRgbColors(String color) {
        assertEquals(FilterDecision.pass(), check(color));
    }

    @Test
    void passesNoColor() {
        assertEquals(FilterDecision.pass(), check(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ffffff", "#fff", "#fffffff", "#gggggg", "red", "#ffffff\n", "rgb(0,0,0)"})
    void rejectsAnythingElse(String color) {
        assertEquals(DanmakuErrorCode.BAD_COLOR, ((FilterDecision.Reject) check(color)).code());
    }
}
