package io.edamame.slides.impl;

import io.edamame.core.api.Caller;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomType;
import io.edamame.core.api.TenantRole;
import io.edamame.core.api.TenantService.CreatedTenant;
import io.edamame.core.api.User;
import io.edamame.core.testing.CoreServices;
import io.edamame.core.testing.MutableClock;
import io.edamame.core.testing.QuizPlugin;
import io.edamame.core.testing.RoomDrafts;
import io.edamame.slides.api.SlideService;
import io.edamame.slides.impl.store.SlideStore;
import io.edamame.slides.testing.RecordedEvents;
import io.edamame.slides.testing.Rows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The slides bundle wired by hand on the core's services and a real database, as Declarative Services wires
 * it in Karaf: the store on the migrated schema, the plugin {@code media-kurento} installed (a stand-in: the
 * media bundle registers the real one), a clock the tests move, a recording EventAdmin, and a storage
 * directory of its own.
 */
public final class SlidesWorld {

    /** Small pages: rendering is not what most tests are about. */
    public static final int WIDTH = 240;

    public final CoreServices core;
    public final SlideStore store;
    public final MutableClock clock = new MutableClock(CoreServices.NOW);
    public final RecordedEvents events = new RecordedEvents();
    public final Path storage;
    public SlideServiceImpl slides;

    /** A tenant with the plugin on, its admin, the host of its rooms and another member. */
    public record Tenant(long id, String slug, Caller admin, Caller host, Caller member) {
    }

    public SlidesWorld(CoreServices core, Path storage) {
        this.core = core;
        this.storage = storage;
        CoreServices.migrate(core.dataSource, SlideStore.CHANGELOG, SlideStore.class.getClassLoader());
        this.store = new SlideStore(core.dataSource);
        core.plugins.addPlugin(new QuizPlugin(SlideService.PLUGIN_ID));
        configure(settings(20L * 1024 * 1024, 300, WIDTH));
    }

    public SlidesSettings settings(long maxUploadBytes, int maxPages, int width) {
        return new SlidesSettings(storage, maxUploadBytes, maxPages, width, 2, 5);
    }

    /** Replaces the service, as a configuration change reactivates the component. */
    public SlideServiceImpl configure(SlidesSettings settings) {
        slides = new SlideServiceImpl(core.rooms, core.plugins, store, events, settings, clock);
        return slides;
    }

    public Tenant tenant() {
        CreatedTenant created = core.newTenant();
        long id = created.tenant().id();
        String slug = created.tenant().slug();
        enablePlugin(id, true);
        User host = core.newMember(id, "host");
        User member = core.newMember(id, "member");
        return new Tenant(id, slug, new Caller(id, slug, created.admin().id(), TenantRole.TENANT_ADMIN),
                new Caller(id, slug, host.id(), TenantRole.MEMBER), new Caller(id, slug, member.id(), TenantRole.MEMBER));
    }

    public void enablePlugin(long tenantId, boolean enabled) {
        core.plugins.configure(tenantId, SlideService.PLUGIN_ID, enabled, Map.of("apiKey", "test"));
    }

    /** A scheduled AUDIO_SLIDES room of the tenant, hosted by its host. */
    public Room room(Tenant tenant) {
        return core.rooms.create(tenant.id(), RoomDrafts.hostedBy(tenant.host().userId()).build());
    }

    public Room room(Tenant tenant, RoomDrafts draft) {
        return core.rooms.create(tenant.id(), draft.build());
    }

    public Room videoRoom(Tenant tenant) {
        return room(tenant, RoomDrafts.hostedBy(tenant.host().userId()).type(RoomType.VIDEO_INTERACTIVE));
    }

    /** Files under the storage directory, staging included, as relative paths. */
    public List<String> storedFiles() {
        if (!Files.exists(storage)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(storage)) {
            return files.filter(Files::isRegularFile).map(p -> storage.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files of one room's decks. */
    public List<String> roomFiles(long tenantId, long roomId) {
        String prefix = tenantId + "/" + roomId + "/";
        return storedFiles().stream().filter(f -> f.startsWith(prefix)).toList();
    }

    public List<String> stagingFiles() {
        return storedFiles().stream().filter(f -> f.startsWith(DeckFiles.STAGING + "/")).toList();
    }

    /** Rows of the room in every slides table. */
    public long rows(long tenantId, long roomId) {
        return Rows.all(core.dataSource, tenantId, roomId);
    }
}
