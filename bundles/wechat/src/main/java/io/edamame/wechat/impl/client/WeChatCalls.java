package io.edamame.wechat.impl.client;

import io.edamame.core.api.EdamameException;
import io.edamame.wechat.api.WeChatErrorCode;
import java.util.Map;
import java.util.Set;
import me.chanjar.weixin.common.error.WxErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs calls to WeChat and turns their failures into the plugin's error codes. A call WeChat refuses as
 * rate-limited (45011) is tried once more after a pause, never more: a storm of retries is what a rate limit asks
 * us not to make. Busy (-1) is tried once more by WxJava itself (its retry loop set to one, after the same pause),
 * and invalid tokens (40001, 40014, 42001) too: WxJava refreshes the token once and retries once.
 */
public final class WeChatCalls {

    private static final Logger LOG = LoggerFactory.getLogger(WeChatCalls.class);

    /** WeChat's codes for a code (login, phone, OAuth) that is unknown, used or expired. */
    static final Set<Integer> INVALID_CODE = Set.of(40029, 40163, 40226);
    /** Minute rate limit: worth one retry. */
    static final Set<Integer> TRY_AGAIN = Set.of(45011);
    /** Not WeChat's: the code WxJava's OAuth2 service gives an I/O failure (no answer from WeChat). */
    static final int NO_ANSWER = 99999;
    /** Busy even after WxJava's retry, quotas and limits that no retry soon will fix, and no answer at all. */
    static final Set<Integer> UNAVAILABLE = Set.of(-1, 45009, 45047, NO_ANSWER);

    /** A call to WeChat. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws WxErrorException;
    }

    private final long retryPauseMillis;

    public WeChatCalls(long retryPauseMillis) {
        this.retryPauseMillis = retryPauseMillis;
    }

    /**
     * @param what names the call in errors and logs, e.g. "jscode2session"
     * @throws EdamameException {@code INVALID_WECHAT_CODE}, {@code WECHAT_UNAVAILABLE} or {@code WECHAT_REJECTED},
     *                          with WeChat's {@code errcode} and {@code errmsg} in the details when it answered
     */
    public <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (WxErrorException e) {
            if (!TRY_AGAIN.contains(e.getError().getErrorCode())) {
                throw translate(what, e);
            }
            LOG.info("WECHAT {}: busy or rate-limited ({}), trying once more in {} ms", what,
                    e.getError().getErrorCode(), retryPauseMillis);
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
        pause();
        try {
            return call.run();
        } catch (WxErrorException e) {
            throw translate(what, e);
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    /** WeChat's error code of an exception {@link #call} threw, or 0 if WeChat did not answer one. */
    public static int errcode(EdamameException e) {
        return e.details() instanceof Map<?, ?> details && details.get("errcode") instanceof Integer code ? code : 0;
    }

    private void pause() {
        try {
            Thread.sleep(retryPauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static EdamameException translate(String what, WxErrorException e) {
        int code = e.getError().getErrorCode();
        // WeChat's own errmsg (with its rid, what WeChat's support asks for): WxJava keeps it as errorMsgEn and
        // puts its own Chinese description of known codes in errorMsg.
        String message = e.getError().getErrorMsgEn() != null && !e.getError().getErrorMsgEn().isBlank()
                ? e.getError().getErrorMsgEn() : e.getError().getErrorMsg();
        Map<String, Object> details = Map.of("errcode", code, "errmsg", message == null ? "" : message);
        if (INVALID_CODE.contains(code)) {
            return new EdamameException(WeChatErrorCode.INVALID_WECHAT_CODE,
                    "WeChat did not accept the code: it is unknown, used or expired; get a new one", details, e);
        }
        if (TRY_AGAIN.contains(code) || UNAVAILABLE.contains(code)) {
            return new EdamameException(WeChatErrorCode.WECHAT_UNAVAILABLE,
                    "WeChat is busy or limiting calls (" + code + "); try again later", details, e);
        }
        LOG.warn("WECHAT {}: refused with {} {}", what, code, message);
        return new EdamameException(WeChatErrorCode.WECHAT_REJECTED,
                "WeChat refused " + what + " with error " + code, details, e);
    }

    private static EdamameException unavailable(String what, RuntimeException e) {
        if (e instanceof EdamameException known) {
            return known;
        }
        // WxJava wraps I/O failures, and a body that is not WeChat's JSON fails in Gson: either way no answer.
        LOG.warn("WECHAT {}: no usable answer: {}", what, rootMessage(e));
        return new EdamameException(WeChatErrorCode.WECHAT_UNAVAILABLE, "WeChat could not be reached for " + what,
                null, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
