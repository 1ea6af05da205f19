package io.edamame.core.testing;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.Tenant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plugin for the registry tests. Settings: {@code maxQuestions} (integer 1..50, default 10),
 * {@code mode} ({@code open|timed}, default {@code open}), {@code title} (at most 40 characters, never
 * {@value #REFUSED_TITLE}) and the required secret {@code apiKey}. Records its callbacks.
 */
public final class QuizPlugin implements Plugin {

    public static final String ID = "quiz";
    public static final String REFUSED_TITLE = "refused";

    /** A call of {@code onEnabled} ({@code settings} set) or {@code onDisabled} ({@code settings} null). */
    public record Callback(String kind, String tenantSlug, Map<String, Object> settings) {
    }

    private final String id;
    private final List<Callback> callbacks = new CopyOnWriteArrayList<>();

    public QuizPlugin() {
        this(ID);
    }

    /** The same plugin under another id. */
    public QuizPlugin(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return "Quiz";
    }

    @Override
    public String version() {
        return "1.2.3";
    }

    @Override
    public String description() {
        return "Questions for the audience";
    }

    @Override
    public Map<String, Object> settingsSchema() {
        return Map.of(
                "type", "object",
                "properties", Map.of(
                        "maxQuestions", Map.of("type", "integer", "minimum", 1, "maximum", 50, "default", 10),
                        "mode", Map.of("type", "string", "enum", List.of("open", "timed"), "default", "open"),
                        "title", Map.of("type", "string", "maxLength", 40),
                        "apiKey", Map.of("type", "string", "secret", true)),
                "required", List.of("apiKey"));
    }

    @Override
    public void validateSettings(Map<String, Object> settings) {
        if (REFUSED_TITLE.equals(settings.get("title"))) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, "This title is refused");
        }
    }

    @Override
    public void onEnabled(Tenant tenant, Map<String, Object> settings) {
        callbacks.add(new Callback("enabled", tenant.slug(), settings));
    }

    @Override
    public void onDisabled(Tenant tenant) {
        callbacks.add(new Callback("disabled", tenant.slug(), null));
    }

    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }
}
