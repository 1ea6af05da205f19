package io.edamame.core.api;

import java.util.Objects;

/**
 * An identity of a user outside Edamame, unique within a tenant: a WeChat openid of one app
 * ({@code provider = "wechat-openid:<appId>"}), a WeChat unionid ({@code "wechat-unionid"}), a phone
 * number ({@code "phone"}). Providers are chosen by the bundle that adds them.
 */
public record ExternalIdentity(String provider, String subject) {

    public static final String PHONE = "phone";

    public ExternalIdentity {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(subject, "subject");
        if (provider.isBlank() || provider.length() > 64) {
            throw new IllegalArgumentException("provider must be 1..64 characters");
        }
        if (subject.isBlank() || subject.length() > 191) {
            throw new IllegalArgumentException("subject must be 1..191 characters");
        }
    }
}
