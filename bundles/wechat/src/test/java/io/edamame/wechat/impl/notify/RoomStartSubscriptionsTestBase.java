package io.edamame.wechat.impl.notify;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.Room;
import io.edamame.core.api.TenantRole;
import io.edamame.core.impl.plugin.PluginRegistryImpl;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.testing.wechat.SentMessage;
import io.edamame.testing.wechat.WeChatUser;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatPlugin;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.portal.OAuthLogin;
import io.edamame.wechat.impl.rest.MiniAppResource;
import io.edamame.wechat.impl.rest.ServiceAccountResource;
import io.edamame.wechat.impl.store.WeChatStore.Channel;
import io.edamame.wechat.impl.store.WeChatStore.SubscriptionRow;
import io.edamame.wechat.testing.Eventually;
import io.edamame.wechat.testing.Security;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/**
 * "Tell me when the room starts": subscriptions through the REST resources, and the messages sent when the room goes
 * live, once each, also with two nodes handling the same event.
 */
abstract class RoomStartSubscriptionsTestBase extends WeChatTestBase {

    static final String SUBSCRIBE_SEND = "/cgi-bin/message/subscribe/send";
    static final String TEMPLATE_SEND = "/cgi-bin/message/template/send";

    RoomStartSubscriptionsTestBase(DatabaseKind kind) {
        super(kind);
    }

    /** A WeChat user signed in through the mini-program. */
    record Viewer(WeChatUser wechat, Caller caller) {
    }

    Viewer miniAppViewer(Tenant t, String name) {
        WeChatUser user = WeChatWorld.user(name);
        String token = world.miniApp.login(t.slug(), new MiniAppResource.LoginRequest(world.loginCode(t, user))).token();
        return new Viewer(user, world.tokens.verify(token));
    }

    /** A WeChat user signed in on an H5 page through the service account. */
    Viewer h5Viewer(Tenant t, String name) {
        WeChatUser user = WeChatWorld.user(name);
        long userId = Long.parseLong(world.h5Login(t, user, OAuthLogin.SCOPE_BASE).get("userId"));
        return new Viewer(user, new Caller(t.id(), t.slug(), userId, TenantRole.MEMBER));
    }

    RoomStartSubscriptions.Status subscribeInMiniApp(Viewer viewer, Room room) {
        return world.miniApp.subscribe(Security.as(viewer.caller()), room.id());
    }

    RoomStartSubscriptions.Status subscribeOnH5(Viewer viewer, Room room) {
        return world.serviceAccount.subscribe(Security.as(viewer.caller()), room.id());
    }

    List<SubscriptionRow> reminders(Tenant t, Room room) {
        return world.serviceAccount.reminders(Security.as(t.admin()), room.id()).reminders();
    }

    /** Starts the room; returns the core's event. */
    Event start(Tenant t, Room room) {
        world.core.rooms.start(t.id(), room.id());
        return world.core.events.single(EdamameEvents.ROOM_STARTED);
    }

    void awaitAllFinished(Tenant t, Room room) {
        Eventually.until("every reminder of room " + room.id() + " sent or failed", () -> reminders(t, room).stream()
                .allMatch(r -> r.status().equals("SENT") || r.status().equals("FAILED")));
    }

    static List<String> toUsers(List<SentMessage> messages) {
        return messages.stream().map(SentMessage::toUser).sorted().toList();
    }

    // --- subscribing --------------------------------------------------------------------------------------

    @Test
    void viewersSubscribeInTheMiniProgramOrOnH5AndAskingTwiceChangesNothing() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        Viewer ann = miniAppViewer(t, "ann");
        Viewer bob = h5Viewer(t, "bob");

        assertEquals(new RoomStartSubscriptions.Status(room.id(), "MINIAPP", "PENDING"), subscribeInMiniApp(ann, room));
        assertEquals(new RoomStartSubscriptions.Status(room.id(), "MP", "PENDING"), subscribeOnH5(bob, room));
        subscribeInMiniApp(ann, room);

        List<SubscriptionRow> rows = reminders(t, room);
        assertEquals(2, rows.size());
        assertEquals(List.of(ann.caller().userId(), bob.caller().userId()), rows.stream().map(SubscriptionRow::userId).toList());
        assertEquals(List.of(Channel.MINIAPP, Channel.MP), rows.stream().map(SubscriptionRow::channel).toList());
        assertTrue(rows.stream().allMatch(r -> r.status().equals("PENDING") && r.sentAtMs() == null));
        assertEquals(List.of(), world.wechat.requests(SUBSCRIBE_SEND), "nothing is sent before the room starts");
    }

    @Test
    void onlyUsersWithAnOpenidOfTheChannelsAppMaySubscribe() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        assertError(WeChatErrorCode.NOT_A_WECHAT_USER, () -> world.miniApp.subscribe(Security.as(t.member()), room.id()));
        assertError(WeChatErrorCode.NOT_A_WECHAT_USER,
                () -> world.serviceAccount.subscribe(Security.as(t.member()), room.id()));
        Viewer ann = miniAppViewer(t, "ann");
        // Signed in through the mini-program only: no openid of the service account.
        assertError(WeChatErrorCode.NOT_A_WECHAT_USER, () -> subscribeOnH5(ann, room));
        assertEquals(List.of(), reminders(t, room));
    }

    @Test
    void roomsThatStartedTakeNoSubscriptions() {
        Tenant t = world.tenant();
        Viewer ann = miniAppViewer(t, "ann");
        Room live = world.room(t);
        world.core.rooms.start(t.id(), live.id());
        Room over = world.room(t);
        world.core.rooms.start(t.id(), over.id());
        world.core.rooms.end(t.id(), over.id());

        assertError(CoreErrorCode.VALIDATION_FAILED, () -> subscribeInMiniApp(ann, live));
        assertError(CoreErrorCode.VALIDATION_FAILED, () -> subscribeInMiniApp(ann, over));
        assertError(CoreErrorCode.ROOM_NOT_FOUND, () -> world.miniApp.subscribe(Security.as(ann.caller()), 999_999));
        assertEquals(List.of(), reminders(t, live));
    }

    @Test
    void aTenantWithoutTheTemplateSendsNoReminders() {
        Tenant t = world.tenant(settings -> {
            settings.remove(WeChatSettings.MINIAPP_ROOM_START_TEMPLATE);
            settings.remove(WeChatSettings.MP_ROOM_START_TEMPLATE);
        });
        Room room = world.room(t);
        Viewer ann = miniAppViewer(t, "ann");
        Viewer bob = h5Viewer(t, "bob");
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED, () -> subscribeInMiniApp(ann, room));
        assertError(WeChatErrorCode.WECHAT_NOT_CONFIGURED, () -> subscribeOnH5(bob, room));
    }

    @Test
    void aPendingSubscriptionMayBeWithdrawn() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        Viewer ann = miniAppViewer(t, "ann");
        subscribeInMiniApp(ann, room);
        assertEquals(204, world.miniApp.unsubscribe(Security.as(ann.caller()), room.id()).getStatus());
        assertEquals(List.of(), reminders(t, room));

        world.subscriptions.handleEvent(start(t, room));
        world.subscriptions.sendAll(t.id(), room.id());
        assertEquals(List.of(), world.wechat.requests(SUBSCRIBE_SEND));
    }

    // --- sending ------------------------------------------------------------------------------------------

    @Test
    void whenTheRoomStartsEverySubscriberGetsOneMessageWithTheTemplateFilledIn() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        List<Viewer> inMiniApp = List.of(miniAppViewer(t, "ann"), miniAppViewer(t, "bob"), miniAppViewer(t, "cat"));
        List<Viewer> onH5 = List.of(h5Viewer(t, "dan"), h5Viewer(t, "eve"));
        inMiniApp.forEach(v -> subscribeInMiniApp(v, room));
        onH5.forEach(v -> subscribeOnH5(v, room));

        Event started = start(t, room);
        world.subscriptions.handleEvent(started);
        awaitAllFinished(t, room);

        List<SentMessage> subscribe = world.wechat.subscribeMessages();
        assertEquals(inMiniApp.stream().map(v -> v.wechat().openid()).sorted().toList(), toUsers(subscribe));
        for (SentMessage message : subscribe) {
            assertEquals(t.miniAppId(), message.appid());
            assertEquals(WeChatWorld.MINIAPP_TEMPLATE, message.templateId());
            assertEquals("Spring launch", message.dataValue("thing1"));
            assertEquals("2024-05-01 16:00", message.dataValue("time2"), "the start, in China's time");
            assertEquals("pages/room/room?scene=r%3D" + room.id(), message.payload().get("page"));
        }
        List<SentMessage> templates = world.wechat.templateMessages();
        assertEquals(onH5.stream().map(v -> v.wechat().openid()).sorted().toList(), toUsers(templates));
        for (SentMessage message : templates) {
            assertEquals(t.mpAppId(), message.appid());
            assertEquals(WeChatWorld.MP_TEMPLATE, message.templateId());
            assertEquals("Spring launch", message.dataValue("first"));
            assertEquals("Spring launch", message.dataValue("keyword1"));
            assertEquals("2024-05-01 16:00", message.dataValue("keyword2"));
            assertEquals("https://live.example.com/rooms/" + room.id(), message.payload().get("url"));
        }
        List<SubscriptionRow> rows = reminders(t, room);
        assertTrue(rows.stream().allMatch(r -> r.status().equals("SENT") && r.error() == null && r.sentAtMs() != null),
                rows.toString());

        world.subscriptions.handleEvent(started);
        assertEquals(0, world.subscriptions.sendAll(t.id(), room.id()), "a second event sends nothing more");
        assertEquals(3, world.wechat.subscribeMessages().size());
        assertEquals(2, world.wechat.templateMessages().size());
    }

    @Test
    void aFailedSendIsRecordedWithWeChatsAnswerAndTheOthersAreStillSent() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        Viewer ann = miniAppViewer(t, "ann");
        Viewer bob = miniAppViewer(t, "bob");
        Viewer cat = h5Viewer(t, "cat");
        subscribeInMiniApp(ann, room);
        subscribeInMiniApp(bob, room);
        subscribeOnH5(cat, room);
        world.wechat.failNext(SUBSCRIBE_SEND, 1, 43101);
        start(t, room);

        assertEquals(2, world.subscriptions.sendAll(t.id(), room.id()));

        List<SubscriptionRow> rows = reminders(t, room);
        assertEquals("FAILED", rows.get(0).status());
        assertTrue(rows.get(0).error().contains("43101"), rows.get(0).error());
        assertTrue(rows.get(0).error().contains("user refuse to accept the msg"), "WeChat's own errmsg: "
                + rows.get(0).error());
        assertEquals(List.of("SENT", "SENT"), List.of(rows.get(1).status(), rows.get(2).status()));
        assertEquals(List.of(bob.wechat().openid()), toUsers(world.wechat.subscribeMessages()));
        assertEquals(List.of(cat.wechat().openid()), toUsers(world.wechat.templateMessages()));
    }

    @Test
    void busyOrRateLimitedSendsAreTriedOnceMore() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        subscribeInMiniApp(miniAppViewer(t, "ann"), room);
        subscribeOnH5(h5Viewer(t, "bob"), room);
        world.wechat.failNext(SUBSCRIBE_SEND, 1, 45011);
        world.wechat.failNext(TEMPLATE_SEND, 1, -1);
        start(t, room);

        assertEquals(2, world.subscriptions.sendAll(t.id(), room.id()));

        assertEquals(List.of(45011, 0), world.wechat.requests(SUBSCRIBE_SEND).stream().map(r -> r.errcode()).toList());
        assertEquals(List.of(-1, 0), world.wechat.requests(TEMPLATE_SEND).stream().map(r -> r.errcode()).toList());
    }

    @Test
    void twoNodesHandlingTheSameEventSendEachMessageOnce() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);
        List<Viewer> viewers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Viewer viewer = i % 3 == 0 ? h5Viewer(t, "v" + i) : miniAppViewer(t, "v" + i);
            viewers.add(viewer);
            if (i % 3 == 0) {
                subscribeOnH5(viewer, room);
            } else {
                subscribeInMiniApp(viewer, room);
            }
        }
        RoomStartSubscriptions otherNode = otherNode();
        Event started = start(t, room);

        world.subscriptions.handleEvent(started);
        otherNode.handleEvent(started);
        awaitAllFinished(t, room);

        assertEquals(8, world.wechat.subscribeMessages().size());
        assertEquals(4, world.wechat.templateMessages().size());
        Set<String> openids = Set.copyOf(viewers.stream().map(v -> v.wechat().openid()).toList());
        assertEquals(openids.size(), world.wechat.subscribeMessages().size() + world.wechat.templateMessages().size());
        assertTrue(reminders(t, room).stream().allMatch(r -> r.status().equals("SENT")));
        WeChatWorld.deactivate(otherNode);
    }

    @Test
    void sendersRacingOnOneRoomSendEachMessageOnce() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);
        for (int i = 0; i < 10; i++) {
            subscribeInMiniApp(miniAppViewer(t, "v" + i), room);
        }
        RoomStartSubscriptions otherNode = otherNode();
        start(t, room);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> here = CompletableFuture.supplyAsync(() -> {
            await(go);
            return world.subscriptions.sendAll(t.id(), room.id());
        });
        CompletableFuture<Integer> there = CompletableFuture.supplyAsync(() -> {
            await(go);
            return otherNode.sendAll(t.id(), room.id());
        });
        go.countDown();

        assertEquals(10, here.get(30, TimeUnit.SECONDS) + there.get(30, TimeUnit.SECONDS));
        assertEquals(10, world.wechat.subscribeMessages().size());
        assertEquals(10, Set.copyOf(toUsers(world.wechat.subscribeMessages())).size());
        WeChatWorld.deactivate(otherNode);
    }

    @Test
    void aNodeStartingLeavesRemindersAnotherNodeIsSendingAlone() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);
        Viewer ann = miniAppViewer(t, "ann");
        long anHourAgo = System.currentTimeMillis() - 3_600_000;
        world.store.subscribe(t.id(), room.id(), ann.caller().userId(), Channel.MINIAPP, t.miniAppId(),
                ann.wechat().openid(), anHourAgo);
        assertEquals(1, world.store.claimPending(t.id(), room.id(), 10, System.currentTimeMillis()).size(),
                "a node is sending it right now");

        RoomStartSubscriptions starting = otherNode();

        assertEquals("SENDING", reminders(t, room).get(0).status(), "subscribed long ago, but claimed just now");
        WeChatWorld.deactivate(starting);
    }

    @Test
    void aNodeStartingFailsRemindersANodeThatStoppedLeftBeingSent() throws Exception {
        Tenant t = world.tenant();
        Room room = world.room(t);
        Viewer ann = miniAppViewer(t, "ann");
        long anHourAgo = System.currentTimeMillis() - 3_600_000;
        world.store.subscribe(t.id(), room.id(), ann.caller().userId(), Channel.MINIAPP, t.miniAppId(),
                ann.wechat().openid(), anHourAgo);
        world.store.claimPending(t.id(), room.id(), 10, anHourAgo);

        RoomStartSubscriptions starting = otherNode();

        SubscriptionRow row = reminders(t, room).get(0);
        assertEquals("FAILED", row.status());
        assertTrue(row.error().contains("interrupted"), row.error());
        WeChatWorld.deactivate(starting);
    }

    @Test
    void aTenantThatSwitchedThePluginOffSendsNothing() {
        Tenant off = world.tenant();
        Room room = world.room(off);
        subscribeInMiniApp(miniAppViewer(off, "ann"), room);
        world.switchOff(off);
        Tenant on = world.tenant();
        Room other = world.room(on);
        subscribeInMiniApp(miniAppViewer(on, "bob"), other);

        world.subscriptions.handleEvent(start(off, room));
        world.core.events.clear();
        world.subscriptions.handleEvent(start(on, other));
        awaitAllFinished(on, other);

        // One sender thread handles events in order: the first was done (or dropped) before the second.
        assertEquals("PENDING", world.store.subscriptions(off.id(), room.id(), 10).get(0).status());
        assertEquals(1, world.wechat.subscribeMessages().size());
    }

    @Test
    void aDeletedRoomsRemindersAreForgotten() {
        Tenant t = world.tenant();
        Room room = world.room(t);
        subscribeInMiniApp(miniAppViewer(t, "ann"), room);
        world.core.rooms.delete(t.id(), room.id());

        world.subscriptions.handleEvent(world.core.events.single(EdamameEvents.ROOM_DELETED));

        assertEquals(List.of(), world.store.subscriptions(t.id(), room.id(), 10));
    }

    /** The reminders of another node: its own registry and WeChat apps over the same database. */
    RoomStartSubscriptions otherNode() {
        PluginRegistryImpl registry = world.core.newPluginRegistry();
        registry.addPlugin(new WeChatPlugin());
        WeChatApps apps = world.node(Clock.systemUTC());
        return new RoomStartSubscriptions(apps, world.store, world.core.rooms, world.weChatUsers, registry);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
