package io.edamame.core.impl.persistence;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The shape of names and texts, shared by the REST layer's bean validation (the constants) and the
 * services (the checks), so that the shell and integrators get the same answers as REST clients.
 */
public final class Rules {

    public static final String SLUG_PATTERN = "[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])";
    public static final String USERNAME_PATTERN = "[A-Za-z0-9._-]{3,64}";
    public static final String PLUGIN_ID_PATTERN = "[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?";
    public static final int PASSWORD_MIN = 8;
    public static final int PASSWORD_MAX = 128;
    public static final int TENANT_NAME_MAX = 120;
    public static final int TITLE_MAX = 200;
    public static final int DESCRIPTION_MAX = 4000;
    public static final int URL_MAX = 1024;
    public static final int TAGS_MAX = 10;
    public static final int TAG_MAX = 32;
    public static final String TAG_PATTERN = "[^,\\s][^,]{0,31}";
    public static final int DISPLAY_NAME_MAX = 120;

    private static final Pattern SLUG = Pattern.compile(SLUG_PATTERN);
    private static final Pattern USERNAME = Pattern.compile(USERNAME_PATTERN);
    private static final Pattern TAG = Pattern.compile(TAG_PATTERN);

    private final List<Map<String, String>> violations = new ArrayList<>();

    public static Rules check() {
        return new Rules();
    }

    public Rules slug(String field, String value) {
        return matches(field, value, SLUG, "must be 3 to 40 lower-case letters, digits or dashes");
    }

    public Rules username(String field, String value) {
        return matches(field, value, USERNAME, "must be 3 to 64 letters, digits, '.', '_' or '-'");
    }

    public Rules password(String field, String value) {
        if (value == null || value.length() < PASSWORD_MIN || value.length() > PASSWORD_MAX) {
            fail(field, "must be " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters");
        }
        return this;
    }

    public Rules text(String field, String value, boolean required, int max) {
        if (value == null || value.isBlank()) {
            if (required) {
                fail(field, "must not be blank");
            }
        } else if (value.length() > max) {
            fail(field, "must be at most " + max + " characters");
        }
        return this;
    }

    public Rules tags(String field, List<String> tags) {
        if (tags == null) {
            return this;
        }
        if (tags.size() > TAGS_MAX) {
            fail(field, "must have at most " + TAGS_MAX + " tags");
        }
        for (String tag : tags) {
            if (tag == null || !TAG.matcher(tag).matches()) {
                fail(field, "each tag must be 1 to " + TAG_MAX + " characters without commas");
                break;
            }
        }
        return this;
    }

    public Rules require(String field, Object value) {
        if (value == null) {
            fail(field, "must not be null");
        }
        return this;
    }

    public Rules fail(String field, String message) {
        violations.add(Map.of("field", field, "message", message));
        return this;
    }

    /** @throws EdamameException {@code VALIDATION_FAILED} listing every failed field */
    public void orThrow() {
        if (!violations.isEmpty()) {
            throw new EdamameException(CoreErrorCode.VALIDATION_FAILED, "Invalid input", List.copyOf(violations));
        }
    }

    private Rules matches(String field, String value, Pattern pattern, String message) {
        if (value == null || !pattern.matcher(value).matches()) {
            fail(field, message);
        }
        return this;
    }
}
