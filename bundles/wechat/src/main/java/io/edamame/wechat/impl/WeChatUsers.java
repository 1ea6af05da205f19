package io.edamame.wechat.impl;

import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.ExternalIdentity;
import io.edamame.core.api.User;
import io.edamame.core.api.UserService;
import io.edamame.wechat.api.WeChatIdentities;
import java.util.Objects;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a WeChat user into an Edamame user of the tenant. The unionid, when WeChat gives one, is the person
 * across the tenant's apps: a mini-program login and an H5 login with the same unionid are one user. Without
 * one, the app's openid is the person. Concurrent first logins end with one user (the core's
 * {@code findOrCreate} and {@code link} are safe against races; a lost race is read back).
 */
@Component(service = WeChatUsers.class)
public class WeChatUsers {

    private static final Logger LOG = LoggerFactory.getLogger(WeChatUsers.class);

    /** The user, and whether this login made them. */
    public record SignedIn(User user, boolean created) {
    }

    private final UserService users;

    @Activate
    public WeChatUsers(@Reference UserService users) {
        this.users = users;
    }

    /**
     * @param unionid null when WeChat gave none
     * @param profile what WeChat said about the user; given to a new user, and to an existing one only if
     *                {@code refreshProfile} (the user has just agreed to share it)
     */
    public SignedIn signIn(long tenantId, String appId, String openid, String unionid, UserService.Profile profile,
                           boolean refreshProfile) {
        ExternalIdentity byApp = WeChatIdentities.openid(appId, openid);
        ExternalIdentity byUnion = unionid == null || unionid.isBlank() ? null : WeChatIdentities.unionid(unionid);
        Optional<User> appUser = users.findByIdentity(tenantId, byApp);
        Optional<User> unionUser = byUnion == null ? Optional.empty() : users.findByIdentity(tenantId, byUnion);
        User user;
        boolean created = false;
        if (unionUser.isPresent()) {
            user = unionUser.get();
            if (appUser.isEmpty()) {
                linkQuietly(tenantId, user, byApp);
            } else if (appUser.get().id() != user.id()) {
                LOG.warn("WECHAT tenant {}: openid of {} belongs to user {}, its unionid to user {}; using the latter",
                        tenantId, appId, appUser.get().id(), user.id());
            }
        } else if (appUser.isPresent()) {
            user = appUser.get();
            if (byUnion != null) {
                try {
                    users.link(tenantId, user.id(), byUnion);
                } catch (EdamameException e) {
                    if (e.code() != CoreErrorCode.IDENTITY_TAKEN) {
                        throw e;
                    }
                    // Another login with the same unionid won the race: that user is the person.
                    user = users.findByIdentity(tenantId, byUnion).orElse(user);
                }
            }
        } else {
            created = true;
            user = users.findOrCreate(tenantId, Objects.requireNonNullElse(byUnion, byApp), profile);
            if (byUnion != null) {
                linkQuietly(tenantId, user, byApp);
            }
        }
        if (refreshProfile && !created && changes(user, profile)) {
            user = users.updateProfile(tenantId, user.id(), profile);
        }
        return new SignedIn(user, created);
    }

    /** The user's openid of the app {@code appId}, if they have signed in with it. */
    public Optional<String> openid(long tenantId, long userId, String appId) {
        String provider = WeChatIdentities.openidProvider(appId);
        return users.identities(tenantId, userId).stream().filter(identity -> identity.provider().equals(provider))
                .map(ExternalIdentity::subject).findFirst();
    }

    private void linkQuietly(long tenantId, User user, ExternalIdentity identity) {
        try {
            users.link(tenantId, user.id(), identity);
        } catch (EdamameException e) {
            if (e.code() != CoreErrorCode.IDENTITY_TAKEN) {
                throw e;
            }
            // A concurrent login of the same person linked it first; it points at the same user.
        }
    }

    private static boolean changes(User user, UserService.Profile profile) {
        return (profile.displayName() != null && !profile.displayName().equals(user.displayName()))
                || (profile.avatarUrl() != null && !profile.avatarUrl().equals(user.avatarUrl()));
    }
}
