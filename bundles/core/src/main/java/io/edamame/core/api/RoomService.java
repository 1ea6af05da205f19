package io.edamame.core.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Rooms of a tenant and their lifecycle. Every call is scoped to one tenant: another tenant's room
 * is not found. Lifecycle changes are published on EventAdmin ({@link EdamameEvents}).
 */
@ProviderType
public interface RoomService {

    Room create(long tenantId, RoomDraft draft);

    Optional<Room> find(long tenantId, long roomId);

    /** @throws EdamameException {@code ROOM_NOT_FOUND} */
    default Room get(long tenantId, long roomId) {
        return find(tenantId, roomId).orElseThrow(() -> new EdamameException(CoreErrorCode.ROOM_NOT_FOUND,
                "No room " + roomId));
    }

    /** Rooms matching {@code query}, newest scheduled start first. */
    Page<Room> list(long tenantId, RoomQuery query, PageRequest page);

    Room update(long tenantId, long roomId, RoomChanges changes);

    /** @throws EdamameException {@code ILLEGAL_ROOM_TRANSITION} for a live room */
    void delete(long tenantId, long roomId);

    /** {@code SCHEDULED -> LIVE}. @throws EdamameException {@code ILLEGAL_ROOM_TRANSITION} otherwise */
    Room start(long tenantId, long roomId);

    /** {@code LIVE -> ENDED}. @throws EdamameException {@code ILLEGAL_ROOM_TRANSITION} otherwise */
    Room end(long tenantId, long roomId);

    /** Whether {@code password} opens a {@link RoomAccess#PASSWORD} room. */
    boolean checkPassword(long tenantId, long roomId, String password);
}
