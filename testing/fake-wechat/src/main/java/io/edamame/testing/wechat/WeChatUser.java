package io.edamame.testing.wechat;

import java.util.Objects;

/**
 * A WeChat user as one app sees them. WeChat gives every app its own openid for the same person; the unionid is
 * the same across the apps of one Open Platform account, and absent when the app is not bound to one.
 *
 * @param openid the user's id in this app
 * @param unionid the cross-app id, or {@code null}: it is then left out of the answers, as WeChat does
 * @param nickname what {@code /sns/userinfo} answers as {@code nickname}
 * @param headImgUrl what {@code /sns/userinfo} answers as {@code headimgurl}
 */
public record WeChatUser(String openid, String unionid, String nickname, String headImgUrl) {

  public WeChatUser {
    Objects.requireNonNull(openid, "openid");
  }

  /** A user with only an openid (and so no unionid), as an app without an Open Platform binding sees them. */
  public static WeChatUser of(String openid) {
    return new WeChatUser(openid, null, "", "");
  }
}
