package io.edamame.media.impl;

import io.edamame.core.api.Plugin;
import io.edamame.media.api.MediaSettings;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Makes the media of rooms a plugin: off by default for every tenant, switched on by a tenant admin,
 * who sets the cap on speakers and whether rooms are recorded.
 */
@Component(service = Plugin.class)
public class MediaPlugin implements Plugin {

    @Override
    public String id() {
        return MediaSettings.PLUGIN_ID;
    }

    @Override
    public String name() {
        return "Media (Kurento)";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "Live audio and video in rooms over WebRTC, join-the-mic, slides with voice, recording and replay";
    }

    @Override
    public Map<String, Object> settingsSchema() {
        return Map.of(
                "type", "object",
                "properties", Map.of(
                        MediaSettings.MAX_SPEAKERS, Map.of("type", "integer",
                                "default", MediaSettings.DEFAULT_MAX_SPEAKERS, "minimum", 0,
                                "maximum", MediaSettings.MAX_SPEAKERS_LIMIT,
                                "description", "Viewers a room may have on the mic at once, besides the host"),
                        MediaSettings.RECORDING, Map.of("type", "boolean",
                                "default", MediaSettings.DEFAULT_RECORDING,
                                "description", "Record rooms from the moment they go live")),
                "required", List.of());
    }

    @Override
    public void validateSettings(Map<String, Object> settings) {
        MediaSettings.validate(settings);
    }
}
