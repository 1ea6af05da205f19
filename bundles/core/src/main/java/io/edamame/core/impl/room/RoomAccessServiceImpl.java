package io.edamame.core.impl.room;

import io.edamame.core.api.AccessDecision;
import io.edamame.core.api.AccessPurpose;
import io.edamame.core.api.AccessRequest;
import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomAccessRule;
import io.edamame.core.api.RoomAccessService;
import io.edamame.core.api.RoomService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access check of {@link RoomAccessService}: the defaults of the core, overridden per access kind
 * by the {@link RoomAccessRule} services that bundles register. Rules are kept in a copy-on-write list
 * sorted by ranking, since they change rarely and are read on every entry.
 */
@Component(service = RoomAccessService.class)
public class RoomAccessServiceImpl implements RoomAccessService {

    private static final Logger LOG = LoggerFactory.getLogger(RoomAccessServiceImpl.class);

    /** Highest ranking first, then the older service first, as the OSGi service registry orders them. */
    private static final Comparator<RegisteredRule> ORDER = Comparator.comparingInt(RegisteredRule::ranking)
            .reversed().thenComparingLong(RegisteredRule::serviceId);

    private record RegisteredRule(RoomAccessRule rule, Set<RoomAccess> accesses, int ranking, long serviceId) {
    }

    private final RoomService rooms;
    private volatile List<RegisteredRule> rules = List.of();

    @Activate
    public RoomAccessServiceImpl(@Reference RoomService rooms) {
        this.rooms = rooms;
    }

    @Reference(service = RoomAccessRule.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeRule", updated = "updateRule")
    synchronized void addRule(RoomAccessRule rule, Map<String, Object> properties) {
        List<RegisteredRule> next = new ArrayList<>(rules);
        next.add(new RegisteredRule(rule, accesses(properties), ranking(properties), serviceId(properties)));
        next.sort(ORDER);
        rules = List.copyOf(next);
    }

    synchronized void removeRule(RoomAccessRule rule, Map<String, Object> properties) {
        long serviceId = serviceId(properties);
        List<RegisteredRule> next = new ArrayList<>(rules);
        next.removeIf(registered -> registered.serviceId() == serviceId);
        rules = List.copyOf(next);
    }

    synchronized void updateRule(RoomAccessRule rule, Map<String, Object> properties) {
        removeRule(rule, properties);
        addRule(rule, properties);
    }

    @Override
    public AccessDecision check(AccessRequest request) {
        Caller caller = request.caller();
        // A token of another tenant proves nothing here; its room is as unknown as a missing one.
        if (caller != null && caller.tenantId() != request.tenantId()) {
            return roomNotFound(request);
        }
        Optional<Room> found = rooms.find(request.tenantId(), request.roomId());
        if (found.isEmpty()) {
            return roomNotFound(request);
        }
        Room room = found.get();
        if (caller != null && (caller.isTenantAdmin() || caller.userId() == room.hostUserId())) {
            return AccessDecision.grant();
        }
        RoomAccess kind = accessKind(room, request.purpose());
        for (RegisteredRule registered : rules) {
            if (registered.accesses().contains(kind)) {
                Optional<AccessDecision> decision = registered.rule().decide(room, request);
                if (decision != null && decision.isPresent()) {
                    return decision.get();
                }
            }
        }
        return defaultDecision(kind, room, request);
    }

    /** The kind the request is decided under, as {@link RoomAccessRule} documents it. */
    private static RoomAccess accessKind(Room room, AccessPurpose purpose) {
        if (purpose == AccessPurpose.LIVE) {
            return room.access();
        }
        return switch (room.replayAccess()) {
            case AS_LIVE -> room.access();
            case FREE -> room.access() == RoomAccess.PASSWORD ? RoomAccess.PASSWORD : RoomAccess.PUBLIC;
            case PAID -> RoomAccess.PAID;
        };
    }

    private AccessDecision defaultDecision(RoomAccess kind, Room room, AccessRequest request) {
        return switch (kind) {
            case PUBLIC -> AccessDecision.grant();
            case PASSWORD -> {
                if (request.password() == null || request.password().isEmpty()) {
                    yield AccessDecision.deny(CoreErrorCode.ROOM_PASSWORD_REQUIRED, "This room needs its password");
                }
                yield rooms.checkPassword(request.tenantId(), room.id(), request.password())
                        ? AccessDecision.grant()
                        : AccessDecision.deny(CoreErrorCode.ROOM_PASSWORD_WRONG, "The room password is wrong");
            }
            case PAID -> AccessDecision.deny(CoreErrorCode.PAYMENT_REQUIRED,
                    request.purpose() == AccessPurpose.REPLAY ? "This room's replay is paid" : "This room is paid");
        };
    }

    private static AccessDecision roomNotFound(AccessRequest request) {
        return AccessDecision.deny(CoreErrorCode.ROOM_NOT_FOUND, "Room " + request.roomId() + " not found");
    }

    private static Set<RoomAccess> accesses(Map<String, Object> properties) {
        Object value = properties.get(RoomAccessRule.ACCESS);
        List<String> names = value instanceof String[] array ? List.of(array)
                : value instanceof String single ? List.of(single)
                : List.of();
        Set<RoomAccess> accesses = EnumSet.noneOf(RoomAccess.class);
        for (String name : names) {
            try {
                accesses.add(RoomAccess.valueOf(name.trim()));
            } catch (IllegalArgumentException e) {
                LOG.error("ACCESS rule {}: unknown {} '{}' ignored; expected one of {}",
                        properties.get(Constants.SERVICE_ID), RoomAccessRule.ACCESS, name, List.of(RoomAccess.values()));
            }
        }
        if (accesses.isEmpty()) {
            LOG.warn("ACCESS rule {}: no {} property, so it is never asked",
                    properties.get(Constants.SERVICE_ID), RoomAccessRule.ACCESS);
        }
        return accesses;
    }

    private static int ranking(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        return properties.get(Constants.SERVICE_ID) instanceof Long id ? id : -1;
    }
}
