package io.edamame.core.api;

/**
 * EventAdmin topics and property names of the platform's events. Events are posted asynchronously
 * after the change is committed.
 */
public final class EdamameEvents {

    public static final String TOPIC_PREFIX = "edamame/";

    public static final String TENANT_CREATED = "edamame/tenant/CREATED";
    public static final String TENANT_STATUS_CHANGED = "edamame/tenant/STATUS_CHANGED";

    public static final String ROOM_CREATED = "edamame/room/CREATED";
    public static final String ROOM_UPDATED = "edamame/room/UPDATED";
    public static final String ROOM_DELETED = "edamame/room/DELETED";
    public static final String ROOM_STARTED = "edamame/room/STARTED";
    public static final String ROOM_ENDED = "edamame/room/ENDED";

    public static final String PLUGIN_ENABLED = "edamame/plugin/ENABLED";
    public static final String PLUGIN_DISABLED = "edamame/plugin/DISABLED";
    public static final String PLUGIN_SETTINGS_CHANGED = "edamame/plugin/SETTINGS_CHANGED";

    /** {@code long} */
    public static final String TENANT_ID = "tenant.id";
    /** {@code String} */
    public static final String TENANT_SLUG = "tenant.slug";
    /** {@code long} */
    public static final String ROOM_ID = "room.id";
    /** {@code String} name of a {@link RoomStatus} */
    public static final String ROOM_STATUS = "room.status";
    /** {@code String} */
    public static final String PLUGIN_ID = "plugin.id";
    /** {@code String} name of a {@link TenantStatus} */
    public static final String TENANT_STATUS = "tenant.status";

    private EdamameEvents() {
    }
}
