package io.edamame.core.impl.room;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Page;
import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomAccess;
import io.edamame.core.api.RoomChanges;
import io.edamame.core.api.RoomDraft;
import io.edamame.core.api.RoomQuery;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.impl.auth.PasswordHasher;
import io.edamame.core.impl.persistence.CoreDatabase;
import io.edamame.core.impl.persistence.CoreEvents;
import io.edamame.core.impl.persistence.RoomEntity;
import io.edamame.core.impl.persistence.Rules;
import io.edamame.core.impl.persistence.Transactions;
import io.edamame.core.impl.persistence.UserEntity;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.persistence.EntityManager;
import javax.persistence.OptimisticLockException;
import javax.persistence.RollbackException;
import javax.persistence.TypedQuery;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Component(service = RoomService.class)
public class RoomServiceImpl implements RoomService {

    private static final Logger LOG = LoggerFactory.getLogger(RoomServiceImpl.class);

    private final CoreDatabase db;
    private final PasswordHasher hasher;
    private final CoreEvents events;
    private final Clock clock;

    @Activate
    public RoomServiceImpl(@Reference CoreDatabase db, @Reference PasswordHasher hasher, @Reference CoreEvents events) {
        this(db, hasher, events, Clock.systemUTC());
    }

    public RoomServiceImpl(CoreDatabase db, PasswordHasher hasher, CoreEvents events, Clock clock) {
        this.db = db;
        this.hasher = hasher;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Room create(long tenantId, RoomDraft draft) {
        Rules rules = Rules.check()
                .text("title", draft.title(), true, Rules.TITLE_MAX)
                .text("description", draft.description(), false, Rules.DESCRIPTION_MAX)
                .text("coverUrl", draft.coverUrl(), false, Rules.URL_MAX)
                .tags("tags", draft.tags())
                .require("type", draft.type())
                .require("access", draft.access())
                .require("scheduledStart", draft.scheduledStart());
        checkPassword(rules, draft.access(), draft.password(), false);
        rules.orThrow();
        String passwordHash = draft.access() == RoomAccess.PASSWORD ? hasher.hash(draft.password()) : null;
        Room room = db.write(em -> {
            requireHost(em, tenantId, draft.hostUserId());
            RoomEntity entity = new RoomEntity(tenantId, draft.type(), clock.instant());
            entity.setTitle(draft.title().strip());
            entity.setDescription(draft.description());
            entity.setCoverUrl(draft.coverUrl());
            entity.setTags(draft.tags());
            entity.setAccess(draft.access(), passwordHash);
            entity.setReplayAccess(draft.replayAccess());
            entity.setScheduledStart(draft.scheduledStart());
            entity.setHostUserId(draft.hostUserId());
            em.persist(entity);
            em.flush();
            return entity.toRoom();
        });
        LOG.info("ROOM {}: created in tenant {}", room.id(), tenantId);
        post(EdamameEvents.ROOM_CREATED, room);
        return room;
    }

    /** A password is needed when access becomes PASSWORD, unless the room already has one. */
    private static void checkPassword(Rules rules, RoomAccess access, String password, boolean hasPassword) {
        if (access == RoomAccess.PASSWORD && password == null && !hasPassword) {
            rules.fail("password", "is required for PASSWORD rooms");
        }
        if (password != null) {
            rules.text("password", password, true, 64);
        }
    }

    private static void requireHost(EntityManager em, long tenantId, long hostUserId) {
        UserEntity host = em.find(UserEntity.class, hostUserId);
        if (host == null || host.getTenantId() != tenantId) {
            Rules.check().fail("hostUserId", "is not a user of this tenant").orThrow();
        }
    }

    @Override
    public Optional<Room> find(long tenantId, long roomId) {
        return db.read(em -> Optional.ofNullable(em.find(RoomEntity.class, roomId))
                .filter(r -> r.getTenantId() == tenantId)
                .map(RoomEntity::toRoom));
    }

    @Override
    public Page<Room> list(long tenantId, RoomQuery query, PageRequest page) {
        StringBuilder where = new StringBuilder(" where r.tenantId = :tenant");
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("tenant", tenantId);
        if (query.status() != null) {
            where.append(" and r.status = :status");
            parameters.put("status", query.status());
        }
        if (query.type() != null) {
            where.append(" and r.type = :type");
            parameters.put("type", query.type());
        }
        if (query.tag() != null) {
            where.append(" and r.tags like :tag escape '!'");
            parameters.put("tag", "%" + likeEscape(RoomEntity.encodeTags(List.of(query.tag()))) + "%");
        }
        if (query.text() != null && !query.text().isBlank()) {
            where.append(" and lower(r.title) like :text escape '!'");
            parameters.put("text", "%" + likeEscape(query.text().strip().toLowerCase(Locale.ROOT)) + "%");
        }
        if (query.hostUserId() != null) {
            where.append(" and r.hostUserId = :host");
            parameters.put("host", query.hostUserId());
        }
        return db.read(em -> {
            TypedQuery<RoomEntity> select = em.createQuery(
                    "select r from RoomEntity r" + where + " order by r.scheduledStart desc, r.id desc", RoomEntity.class);
            TypedQuery<Long> count = em.createQuery("select count(r) from RoomEntity r" + where, Long.class);
            parameters.forEach((name, value) -> {
                select.setParameter(name, value);
                count.setParameter(name, value);
            });
            // Read-only: the rows become records at once, so Hibernate need not keep snapshots to diff.
            List<Room> items = select.setHint(Transactions.READ_ONLY_HINT, true)
                    .setFirstResult(page.offset()).setMaxResults(page.size())
                    .getResultList().stream().map(RoomEntity::toRoom).toList();
            long total = items.size() < page.size() && (page.page() == 0 || !items.isEmpty())
                    ? page.offset() + items.size()
                    : count.getSingleResult();
            return new Page<>(items, page.page(), page.size(), total);
        });
    }

    private static String likeEscape(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    @Override
    public Room update(long tenantId, long roomId, RoomChanges changes) {
        Rules rules = Rules.check()
                .tags("tags", changes.tags());
        if (changes.title() != null) {
            rules.text("title", changes.title(), true, Rules.TITLE_MAX);
        }
        rules.text("description", changes.description(), false, Rules.DESCRIPTION_MAX)
                .text("coverUrl", changes.coverUrl(), false, Rules.URL_MAX)
                .orThrow();
        String passwordHash = changes.password() != null ? hasher.hash(changes.password()) : null;
        Room room = writeRoom(tenantId, roomId, (em, entity) -> {
            Rules check = Rules.check();
            checkPassword(check, changes.access(), changes.password(),
                    entity.getAccess() == RoomAccess.PASSWORD && entity.getPasswordHash() != null);
            if (changes.type() != null && changes.type() != entity.getType()
                    && entity.getStatus() != RoomStatus.SCHEDULED) {
                check.fail("type", "can only change before the room goes live");
            }
            check.orThrow();
            if (changes.hostUserId() != null) {
                requireHost(em, tenantId, changes.hostUserId());
                entity.setHostUserId(changes.hostUserId());
            }
            if (changes.title() != null) {
                entity.setTitle(changes.title().strip());
            }
            if (changes.description() != null) {
                entity.setDescription(changes.description());
            }
            if (changes.coverUrl() != null) {
                entity.setCoverUrl(changes.coverUrl());
            }
            if (changes.tags() != null) {
                entity.setTags(changes.tags());
            }
            if (changes.type() != null) {
                entity.setType(changes.type());
            }
            if (changes.scheduledStart() != null) {
                entity.setScheduledStart(changes.scheduledStart());
            }
            if (changes.replayAccess() != null) {
                entity.setReplayAccess(changes.replayAccess());
            }
            RoomAccess access = changes.access() != null ? changes.access() : entity.getAccess();
            if (access != RoomAccess.PASSWORD) {
                entity.setAccess(access, null);
            } else if (passwordHash != null) {
                entity.setAccess(access, passwordHash);
            } else {
                entity.setAccess(access, entity.getPasswordHash());
            }
            entity.touch(clock.instant());
        });
        post(EdamameEvents.ROOM_UPDATED, room);
        return room;
    }

    @Override
    public void delete(long tenantId, long roomId) {
        Room room = writeRoom(tenantId, roomId, (em, entity) -> {
            if (entity.getStatus() == RoomStatus.LIVE) {
                throw new EdamameException(CoreErrorCode.ILLEGAL_ROOM_TRANSITION,
                        "Room " + roomId + " is live: end it before deleting it");
            }
            em.remove(entity);
        });
        LOG.info("ROOM {}: deleted", roomId);
        post(EdamameEvents.ROOM_DELETED, room);
    }

    @Override
    public Room start(long tenantId, long roomId) {
        Room room = transition(tenantId, roomId, RoomStatus.LIVE);
        post(EdamameEvents.ROOM_STARTED, room);
        return room;
    }

    @Override
    public Room end(long tenantId, long roomId) {
        Room room = transition(tenantId, roomId, RoomStatus.ENDED);
        post(EdamameEvents.ROOM_ENDED, room);
        return room;
    }

    @Override
    public boolean checkPassword(long tenantId, long roomId, String password) {
        String hash = db.read(em -> Optional.ofNullable(em.find(RoomEntity.class, roomId))
                .filter(r -> r.getTenantId() == tenantId)
                .map(RoomEntity::getPasswordHash).orElse(null));
        return hasher.verify(password, hash);
    }

    private Room transition(long tenantId, long roomId, RoomStatus next) {
        Room room = writeRoom(tenantId, roomId, (em, entity) -> {
            if (!entity.getStatus().canMoveTo(next)) {
                throw new EdamameException(CoreErrorCode.ILLEGAL_ROOM_TRANSITION,
                        "Room " + roomId + " is " + entity.getStatus() + " and cannot become " + next,
                        Map.of("status", entity.getStatus().name(), "requested", next.name()));
            }
            entity.moveTo(next, clock.instant());
        });
        LOG.info("ROOM {}: {}", roomId, next);
        return room;
    }

    private interface RoomWork {
        void apply(EntityManager em, RoomEntity room);
    }

    /** Loads the tenant's room, applies {@code work} and answers the room as committed. */
    private Room writeRoom(long tenantId, long roomId, RoomWork work) {
        try {
            return db.write(em -> {
                RoomEntity entity = em.find(RoomEntity.class, roomId);
                if (entity == null || entity.getTenantId() != tenantId) {
                    throw new EdamameException(CoreErrorCode.ROOM_NOT_FOUND, "No room " + roomId);
                }
                Room before = entity.toRoom();
                work.apply(em, entity);
                em.flush();
                return em.contains(entity) ? entity.toRoom() : before;
            });
        } catch (OptimisticLockException | RollbackException e) {
            if (e instanceof OptimisticLockException || e.getCause() instanceof OptimisticLockException) {
                throw new EdamameException(CoreErrorCode.CONFLICT,
                        "Room " + roomId + " was changed at the same time; try again", null, e);
            }
            throw e;
        }
    }

    private void post(String topic, Room room) {
        events.post(topic, EdamameEvents.TENANT_ID, room.tenantId(), EdamameEvents.ROOM_ID, room.id(),
                EdamameEvents.ROOM_STATUS, room.status().name());
    }
}
