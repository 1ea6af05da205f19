package io.edamame.wechat.impl.client;

import static io.edamame.core.testing.Errors.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.wechat.api.WeChatErrorCode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import me.chanjar.weixin.common.error.WxError;
import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.common.error.WxRuntimeException;
import me.chanjar.weixin.common.enums.WxType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** How WeChat's answers become the plugin's errors, and which calls are tried twice. */
class WeChatCallsTest {

    final WeChatCalls calls = new WeChatCalls(0);
    final AtomicInteger tries = new AtomicInteger();

    static WxErrorException wechat(int errcode) {
        return new WxErrorException(WxError.builder().errorCode(errcode).errorMsg("errmsg of " + errcode).build());
    }

    /** A call that fails with the given errcodes, one per try, then answers "ok". */
    WeChatCalls.Call<String> failing(int... errcodes) {
        return () -> {
            int attempt = tries.getAndIncrement();
            if (attempt < errcodes.length) {
                throw wechat(errcodes[attempt]);
            }
            return "ok";
        };
    }

    @ParameterizedTest
    @CsvSource({"-1, WECHAT_UNAVAILABLE", "99999, WECHAT_UNAVAILABLE", "40029, INVALID_WECHAT_CODE",
            "40163, INVALID_WECHAT_CODE", "40226, INVALID_WECHAT_CODE", "45009, WECHAT_UNAVAILABLE",
            "45047, WECHAT_UNAVAILABLE", "40013, WECHAT_REJECTED", "40125, WECHAT_REJECTED", "43101, WECHAT_REJECTED",
            "40001, WECHAT_REJECTED"})
    void weChatErrorsAreMappedOnceWithoutRetry(int errcode, WeChatErrorCode code) {
        EdamameException e = assertError(code, () -> calls.call("test", failing(errcode)));
        assertEquals(Map.of("errcode", errcode, "errmsg", "errmsg of " + errcode), e.details());
        assertEquals(errcode, WeChatCalls.errcode(e));
        assertEquals(1, tries.get(), "not tried again");
    }

    @Test
    void rateLimitedIsTriedOnceMore() {
        // Busy (-1) is not: WxJava has already tried it twice when it reaches WeChatCalls.
        assertEquals("ok", calls.call("test", failing(45011)));
        assertEquals(2, tries.get());
    }

    @ParameterizedTest
    @CsvSource({"45011, 45011", "45011, -1"})
    void rateLimitedTwiceIsUnavailableAfterTwoTries(int first, int second) {
        EdamameException e = assertError(WeChatErrorCode.WECHAT_UNAVAILABLE,
                () -> calls.call("test", failing(first, second)));
        assertEquals(second, WeChatCalls.errcode(e));
        assertEquals(2, tries.get());
    }

    @Test
    void theDetailsCarryWeChatsOwnErrmsgNotWxJavasDescription() {
        WxError parsed = WxError.fromJson("{\"errcode\":40029,\"errmsg\":\"invalid code, rid: 6f1e-2a\"}", WxType.MiniApp);
        EdamameException e = assertError(WeChatErrorCode.INVALID_WECHAT_CODE, () -> calls.call("test", () -> {
            throw new WxErrorException(parsed);
        }));
        assertEquals(Map.of("errcode", 40029, "errmsg", "invalid code, rid: 6f1e-2a"), e.details());
    }

    @Test
    void aRetryAnsweredWithAnotherErrorIsThatError() {
        assertError(WeChatErrorCode.INVALID_WECHAT_CODE, () -> calls.call("test", failing(45011, 40029)));
        assertEquals(2, tries.get());
    }

    @Test
    void noAnswerIsUnavailableAndOurOwnErrorsPassThrough() {
        EdamameException e = assertError(WeChatErrorCode.WECHAT_UNAVAILABLE, () -> calls.call("test", () -> {
            tries.incrementAndGet();
            throw new WxRuntimeException(new java.net.ConnectException("Connection refused"));
        }));
        assertEquals(0, WeChatCalls.errcode(e));
        assertEquals(1, tries.get(), "an I/O failure is not retried: WeChat may have done it");
        EdamameException ours = new EdamameException(CoreErrorCode.VALIDATION_FAILED, "ours");
        assertSame(ours, assertError(CoreErrorCode.VALIDATION_FAILED, () -> calls.call("test", () -> {
            throw ours;
        })));
    }
}
