package io.edamame.wechat.impl.rest;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks of what clients hand us to pass on to WeChat. WxJava puts codes into URLs as they are, so a code must
 * be the plain token WeChat issues, not a way to add parameters.
 */
final class Codes {

    static final Pattern CODE = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");

    private Codes() {
    }

    static String require(String code, String field) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new EdamameException(CoreErrorCode.VALIDATION_FAILED, "Invalid " + field,
                    List.of(Map.of("field", field, "message", "must be the code WeChat gave the client")));
        }
        return code;
    }
}
