package io.edamame.danmaku.api;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs a danmaku through every registered {@link DanmakuFilter}, in ranking order. The WebSocket
 * endpoint calls it for each message before fan-out; it is thread-safe.
 */
@ProviderType
public interface DanmakuFilterChain {

    /**
     * @param draft the danmaku as the viewer sent it
     * @param tenantSettings the tenant's danmaku plugin settings (see {@link DanmakuSettings} for the
     *        keys); an empty map means every default
     * @return the accepted draft, rewritten as the filters decided, or the first rejection
     */
    FilterOutcome apply(DanmakuDraft draft, Map<String, Object> tenantSettings);
}
