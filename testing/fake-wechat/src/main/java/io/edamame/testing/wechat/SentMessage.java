package io.edamame.testing.wechat;

import java.util.Map;

/**
 * A subscribe message (mini-program) or template message (service account) that the fake accepted.
 *
 * @param appid the app that sent it (from its access token)
 * @param toUser the {@code touser} openid
 * @param templateId the {@code template_id}
 * @param msgid the {@code msgid} answered (template messages); 0 for subscribe messages, which answer none
 * @param payload the whole request body ({@code data}, {@code page}, {@code url}, {@code miniprogram}...)
 */
public record SentMessage(String appid, String toUser, String templateId, long msgid, Map<String, Object> payload) {

  /** The value of one template keyword, {@code data.<key>.value}, or {@code null}. */
  public String dataValue(String key) {
    if (payload.get("data") instanceof Map<?, ?> data && data.get(key) instanceof Map<?, ?> entry) {
      Object value = entry.get("value");
      return value == null ? null : value.toString();
    }
    return null;
  }
}
