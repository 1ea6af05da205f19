package io.edamame.testing.wechat.impl;

import java.util.Map;

/**
 * The {@code errmsg} WeChat sends with each {@code errcode} (from its global error code table and the pages of the
 * APIs faked here). WeChat appends {@code , rid: <id>} to each; {@link WeChatException} does the same.
 */
final class WeChatErrors {

  private static final Map<Integer, String> MESSAGES = Map.ofEntries(
      Map.entry(-1, "system error"),
      Map.entry(40001, "invalid credential, access_token is invalid or not latest"),
      Map.entry(40002, "invalid grant_type"),
      Map.entry(40003, "invalid openid"),
      Map.entry(40013, "invalid appid"),
      Map.entry(40029, "invalid code"),
      Map.entry(40037, "invalid template_id"),
      Map.entry(40066, "invalid url"),
      Map.entry(40097, "invalid args"),
      Map.entry(40125, "invalid appsecret"),
      Map.entry(40169, "invalid length for scene, or the data is not json string"),
      Map.entry(41001, "access_token missing"),
      Map.entry(41002, "appid missing"),
      Map.entry(41004, "appsecret missing"),
      Map.entry(41008, "missing code"),
      Map.entry(41009, "missing openid"),
      Map.entry(42001, "access_token expired"),
      Map.entry(43002, "require POST method"),
      Map.entry(43101, "user refuse to accept the msg"),
      Map.entry(44002, "empty post data"),
      // Sic: WeChat's own wording.
      Map.entry(45011, "api minute-quota reach limit  mustslower  retry next minute"),
      Map.entry(47001, "data format error"),
      Map.entry(48001, "api unauthorized"),
      Map.entry(87014, "risky content"));

  private WeChatErrors() {
  }

  static String message(int errcode) {
    return MESSAGES.getOrDefault(errcode, "error injected by the fake");
  }
}
