package io.edamame.danmaku.impl.filter;

import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuErrorCode;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import io.edamame.danmaku.api.SensitiveWordMode;
import io.edamame.danmaku.api.SensitiveWordSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Masks or rejects words of the tenant's list, by the tenant's {@code sensitiveWordMode}. Each
 * tenant's list is compiled into an {@link AhoCorasick} automaton once and reused until the source
 * reports a new version. The reference is mandatory: without a word source this filter is not in the
 * chain at all.
 */
@Component(service = DanmakuFilter.class, property = "service.ranking:Integer=" + DanmakuFilter.RANKING_CONTENT)
public class SensitiveWordFilter implements DanmakuFilter {

    private record CompiledWords(long version, AhoCorasick automaton) {
    }

    private final SensitiveWordSource source;
    private final Map<Long, CompiledWords> byTenant = new ConcurrentHashMap<>();

    @Activate
    public SensitiveWordFilter(@Reference SensitiveWordSource source) {
        this.source = source;
    }

    @Override
    public FilterDecision filter(DanmakuDraft draft, FilterContext context) {
        AhoCorasick words = wordsOf(draft.tenantId());
        if (words.size() == 0) {
            return FilterDecision.pass();
        }
        if (context.settings().sensitiveWordMode() == SensitiveWordMode.REJECT) {
            return words.matchesAny(draft.text())
                    ? FilterDecision.reject(DanmakuErrorCode.SENSITIVE_WORD, "Danmaku contains a blocked word")
                    : FilterDecision.pass();
        }
        List<AhoCorasick.Match> matches = words.findAll(draft.text());
        return matches.isEmpty() ? FilterDecision.pass() : FilterDecision.rewrite(mask(draft.text(), matches));
    }

    /** One {@code *} per code point matched, so a masked CJK word or emoji keeps its length on screen. */
    static String mask(String text, List<AhoCorasick.Match> matches) {
        boolean[] masked = new boolean[text.length()];
        for (AhoCorasick.Match match : matches) {
            Arrays.fill(masked, match.start(), match.end(), true);
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (masked[i]) {
                out.append('*');
            } else {
                out.appendCodePoint(codePoint);
            }
            i += Character.charCount(codePoint);
        }
        return out.toString();
    }

    /**
     * The tenant's automaton, rebuilt when the version changed. {@code compute} makes concurrent
     * danmaku of one tenant wait for a single rebuild instead of each building its own.
     */
    private AhoCorasick wordsOf(long tenantId) {
        long version = source.version(tenantId);
        CompiledWords cached = byTenant.get(tenantId);
        if (cached != null && cached.version() == version) {
            return cached.automaton();
        }
        return byTenant.compute(tenantId, (id, current) -> current != null && current.version() == version
                ? current
                : new CompiledWords(version, new AhoCorasick(source.words(id)))).automaton();
    }

    @Override
    public String name() {
        return "sensitive-words";
    }
}
