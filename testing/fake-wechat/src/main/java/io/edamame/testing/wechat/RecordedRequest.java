package io.edamame.testing.wechat;

import java.util.Map;

/**
 * One request as the fake received and answered it.
 *
 * @param sequence increasing number, in the order requests were answered
 * @param method {@code GET} or {@code POST}
 * @param path the path, e.g. {@code /cgi-bin/message/subscribe/send}
 * @param query the query parameters (the last value of each), secrets and tokens included: this is a test fake
 * @param body the JSON body as plain Java maps, lists, strings, numbers and booleans; empty without a body
 * @param appid the app the request was made for: from {@code appid}, or from the access token; {@code null} if
 *     neither was known
 * @param errcode the {@code errcode} answered, 0 for a success (also for binary answers)
 */
public record RecordedRequest(long sequence, String method, String path, Map<String, String> query,
    Map<String, Object> body, String appid, int errcode) {

  public boolean failed() {
    return errcode != 0;
  }
}
