package io.edamame.testing.wechat;

/**
 * One {@code /wxa/msg_sec_check} call that the fake answered (injected failures excepted).
 *
 * @param appid the app that asked (from its access token)
 * @param version 1 for the old API (errcode 87014 for risky text), 2 for the current one (a {@code suggest})
 * @param content the text checked
 * @param scene the {@code scene} (version 2; 0 for version 1)
 * @param openid the {@code openid} (version 2; {@code null} for version 1)
 * @param suggest {@code pass}, {@code review} or {@code risky}
 * @param label the label answered: 100 for normal text, else the label configured for the word that matched
 */
public record ContentCheck(String appid, int version, String content, int scene, String openid, String suggest,
    int label) {
}
