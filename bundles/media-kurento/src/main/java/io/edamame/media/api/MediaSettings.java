package io.edamame.media.api;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.util.Map;

/** The per-tenant settings of the plugin {@value #PLUGIN_ID}, as stored by the core's plugin registry. */
public final class MediaSettings {

    public static final String PLUGIN_ID = "media-kurento";

    /** Integer: speakers (viewers on the mic, the host not counted) a room may have at once. */
    public static final String MAX_SPEAKERS = "maxSpeakers";
    /** Boolean: whether a room is recorded from the moment it goes live. */
    public static final String RECORDING = "recording";

    public static final int DEFAULT_MAX_SPEAKERS = 4;
    public static final int MAX_SPEAKERS_LIMIT = 16;
    public static final boolean DEFAULT_RECORDING = true;

    private MediaSettings() {
    }

    public static int maxSpeakers(Map<String, Object> settings) {
        return settings.get(MAX_SPEAKERS) instanceof Number n ? n.intValue() : DEFAULT_MAX_SPEAKERS;
    }

    public static boolean recording(Map<String, Object> settings) {
        return settings.get(RECORDING) instanceof Boolean b ? b : DEFAULT_RECORDING;
    }

    /** The rules the settings schema cannot say; throws {@code INVALID_SETTINGS}. */
    public static void validate(Map<String, Object> settings) {
        Object speakers = settings.get(MAX_SPEAKERS);
        if (speakers != null && !(speakers instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.intValue() >= 0 && n.intValue() <= MAX_SPEAKERS_LIMIT)) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS,
                    MAX_SPEAKERS + " is a whole number from 0 to " + MAX_SPEAKERS_LIMIT);
        }
        Object recording = settings.get(RECORDING);
        if (recording != null && !(recording instanceof Boolean)) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, RECORDING + " is true or false");
        }
    }
}
