package io.edamame.wechat.impl.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edamame.core.api.Caller;
import io.edamame.core.api.ErrorCode;
import io.edamame.core.testing.DatabaseKind;
import io.edamame.danmaku.api.DanmakuDraft;
import io.edamame.danmaku.api.DanmakuFilter;
import io.edamame.danmaku.api.DanmakuMode;
import io.edamame.danmaku.api.DanmakuSettings;
import io.edamame.danmaku.api.FilterContext;
import io.edamame.danmaku.api.FilterDecision;
import io.edamame.testing.wechat.ContentCheck;
import io.edamame.testing.wechat.FakeWeChatServer;
import io.edamame.testing.wechat.WeChatUser;
import io.edamame.wechat.api.WeChatErrorCode;
import io.edamame.wechat.api.WeChatSettings;
import io.edamame.wechat.impl.WeChatTestBase;
import io.edamame.wechat.impl.WeChatWorld;
import io.edamame.wechat.impl.WeChatWorld.Tenant;
import io.edamame.wechat.impl.client.WeChatApps;
import io.edamame.wechat.impl.rest.MiniAppResource;
import io.edamame.wechat.testing.Eventually;
import io.edamame.wechat.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The danmaku filter that asks WeChat's content security API, for tenants that switched it on. */
class ContentSecurityFilterTest extends WeChatTestBase {

    static final String MSG_SEC_CHECK = "/wxa/msg_sec_check";
    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    final List<ContentSecurityFilter> filters = new ArrayList<>();
    ContentSecurityFilter filter;

    ContentSecurityFilterTest() {
        super(DatabaseKind.H2);
    }

    @BeforeEach
    void newFilter() {
        filter = filter(world.apps);
    }

    @AfterEach
    void stopFilters() throws Exception {
        world.wechat.setLatency(Duration.ZERO);
        for (ContentSecurityFilter each : filters) {
            WeChatWorld.deactivate(each);
        }
        filters.clear();
    }

    ContentSecurityFilter filter(WeChatApps apps) {
        ContentSecurityFilter made = new ContentSecurityFilter(world.core.plugins, apps, world.weChatUsers);
        filters.add(made);
        return made;
    }

    static Consumer<Map<String, Object>> checking(String whenUnavailable) {
        return settings -> {
            settings.put(WeChatSettings.CONTENT_SECURITY, true);
            settings.put(WeChatSettings.CONTENT_SECURITY_WHEN_UNAVAILABLE, whenUnavailable);
        };
    }

    static DanmakuDraft draft(Tenant t, long userId, String text) {
        return new DanmakuDraft(t.id(), 1, userId, "viewer", text, null, DanmakuMode.SCROLL, "c1", NOW);
    }

    static FilterDecision decide(DanmakuFilter filter, DanmakuDraft draft, Instant now) {
        return filter.filter(draft, FilterContext.of(DanmakuSettings.defaults(), now));
    }

    FilterDecision decide(Tenant t, long userId, String text) {
        return decide(filter, draft(t, userId, text), NOW);
    }

    static void assertRejected(ErrorCode code, FilterDecision decision) {
        assertEquals(code, assertInstanceOf(FilterDecision.Reject.class, decision).code());
    }

    static String word() {
        return "badword" + WeChatWorld.hex(3);
    }

    /** A user signed in through the tenant's mini-program: they have its openid. */
    Caller miniAppUser(Tenant t, WeChatUser user) {
        return world.tokens.verify(world.miniApp.login(t.slug(),
                new MiniAppResource.LoginRequest(world.loginCode(t, user))).token());
    }

    @Test
    void tenantsWithTheCheckOffOrThePluginOffPassWithoutAsking() {
        String risky = word();
        world.wechat.addRiskyWord(risky, FakeWeChatServer.LABEL_ABUSE);
        Tenant off = world.tenant();
        Tenant switchedOff = world.tenant(checking("reject"));
        world.switchOff(switchedOff);

        assertEquals(FilterDecision.pass(), decide(off, off.member().userId(), "so " + risky));
        assertEquals(FilterDecision.pass(), decide(switchedOff, switchedOff.member().userId(), "so " + risky));
        assertEquals(List.of(), world.wechat.requests());
    }

    @Test
    void riskyTextIsFlaggedCleanTextPasses() {
        String risky = word();
        world.wechat.addRiskyWord(risky, FakeWeChatServer.LABEL_ABUSE);
        Tenant t = world.tenant(checking("reject"));

        assertRejected(WeChatErrorCode.CONTENT_FLAGGED, decide(t, t.member().userId(), "you are " + risky));
        assertEquals(FilterDecision.pass(), decide(t, t.member().userId(), "what a nice talk"));
        assertEquals(List.of("you are " + risky, "what a nice talk"),
                world.wechat.contentChecks().stream().map(ContentCheck::content).toList());
    }

    @Test
    void usersOfTheMiniProgramAreCheckedWithVersion2AndTheirOpenidOthersWithVersion1() {
        String risky = word();
        String review = "reviewword" + WeChatWorld.hex(3);
        world.wechat.addRiskyWord(risky, FakeWeChatServer.LABEL_ILLEGAL);
        world.wechat.addReviewWord(review, FakeWeChatServer.LABEL_ABUSE);
        Tenant t = world.tenant(checking("reject"));
        WeChatUser ann = WeChatWorld.user("ann");
        Caller annCaller = miniAppUser(t, ann);
        world.wechat.clearRecords();

        assertRejected(WeChatErrorCode.CONTENT_FLAGGED, decide(t, annCaller.userId(), "v2 " + risky));
        assertEquals(FilterDecision.pass(), decide(t, annCaller.userId(), "v2 " + review), "review is not risky");
        assertRejected(WeChatErrorCode.CONTENT_FLAGGED, decide(t, t.member().userId(), "v1 " + risky));

        List<ContentCheck> checks = world.wechat.contentChecks();
        assertEquals(List.of(2, 2, 1), checks.stream().map(ContentCheck::version).toList());
        assertEquals(ann.openid(), checks.get(0).openid());
        assertEquals(2, checks.get(0).scene(), "the comment scene");
        assertNull(checks.get(2).openid());
        assertEquals(List.of(t.miniAppId(), t.miniAppId(), t.miniAppId()),
                checks.stream().map(ContentCheck::appid).toList());
    }

    @Test
    void verdictsAreKeptPerTenantAndTextForAWhile() {
        String risky = word();
        world.wechat.addRiskyWord(risky, FakeWeChatServer.LABEL_ABUSE);
        Tenant t = world.tenant(checking("reject"));
        Tenant other = world.tenant(checking("reject"));

        assertRejected(WeChatErrorCode.CONTENT_FLAGGED, decide(t, t.member().userId(), "so " + risky));
        assertRejected(WeChatErrorCode.CONTENT_FLAGGED, decide(t, t.admin().userId(), "so " + risky));
        assertEquals(FilterDecision.pass(), decide(t, t.member().userId(), "hello"));
        assertEquals(FilterDecision.pass(), decide(t, t.admin().userId(), "hello"));
        assertEquals(2, world.wechat.contentChecks().size(), "each text asked once");

        assertRejected(WeChatErrorCode.CONTENT_FLAGGED, decide(other, other.member().userId(), "so " + risky));
        assertEquals(3, world.wechat.contentChecks().size(), "another tenant, another app, its own verdict");

        assertEquals(FilterDecision.pass(), decide(filter, draft(t, t.member().userId(), "hello"),
                NOW.plus(Duration.ofMinutes(11))));
        assertEquals(4, world.wechat.contentChecks().size(), "asked again when the verdict is old");
    }

    @Test
    void whenWeChatFailsTheTenantsChoiceDecides() {
        Tenant rejecting = world.tenant(checking("reject"));
        Tenant accepting = world.tenant(checking("accept"));
        decide(rejecting, rejecting.member().userId(), "warm up the token");
        decide(accepting, accepting.member().userId(), "warm up the token");

        world.wechat.failNext(MSG_SEC_CHECK, 2, 45011);
        assertRejected(WeChatErrorCode.CONTENT_CHECK_UNAVAILABLE, decide(rejecting, rejecting.member().userId(), "one"));
        world.wechat.failNext(MSG_SEC_CHECK, 2, 45011);
        assertEquals(FilterDecision.pass(), decide(accepting, accepting.member().userId(), "one"));

        world.wechat.clearRecords();
        assertEquals(FilterDecision.pass(), decide(rejecting, rejecting.member().userId(), "one"),
                "no verdict was kept for a check that could not be made");
        assertEquals(1, world.wechat.contentChecks().size());
    }

    @Test
    void whenWeChatIsTooSlowTheTenantsChoiceDecides() {
        ContentSecurityFilter impatient = filter(world.apps(TestConfig.at(world.wechat.uri())
                .contentCheckTimeoutMillis(100)));
        Tenant rejecting = world.tenant(checking("reject"));
        Tenant accepting = world.tenant(checking("accept"));
        decide(rejecting, rejecting.member().userId(), "warm up the token");
        decide(accepting, accepting.member().userId(), "warm up the token");
        world.wechat.setLatency(Duration.ofMillis(1500));

        assertRejected(WeChatErrorCode.CONTENT_CHECK_UNAVAILABLE,
                decide(impatient, draft(rejecting, rejecting.member().userId(), "slow"), NOW));
        assertEquals(FilterDecision.pass(), decide(impatient, draft(accepting, accepting.member().userId(), "slow"), NOW));

        // The checks given up on are still answered later: wait for them, so that they land in no other test.
        Eventually.until("the slow checks answered", () -> world.wechat.requests(MSG_SEC_CHECK).size() == 4);
    }

    @Test
    void aTenantWithoutAMiniProgramCannotCheck() {
        Tenant t = world.tenant(checking("reject").andThen(settings -> {
            settings.remove(WeChatSettings.MINIAPP_APP_ID);
            settings.remove(WeChatSettings.MINIAPP_SECRET);
        }));
        assertRejected(WeChatErrorCode.CONTENT_CHECK_UNAVAILABLE, decide(t, t.member().userId(), "anything"));
        assertEquals(List.of(), world.wechat.requests());
    }
}
