package io.edamame.wechat.impl.client;

import com.google.gson.JsonObject;
import io.edamame.wechat.impl.store.WeChatStore;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One credential of one app (its access token or its JS-SDK ticket), shared by every node through the database.
 *
 * <p>Reads come from memory while the credential is fresh; an expired one is read again from the database, where
 * another node may have put a new one. Only the holder of the credential's {@link #lock()} fetches from WeChat:
 * a lock in this node and a lease row in the database, so one fetch happens per app in the whole cluster. When
 * WeChat refuses a token as invalid, it is expired in the database only if it is still the one there.
 *
 * <p>A fetch that failed makes {@link #inBackoff()} true for a while, so that a wrong secret or a rate-limited
 * token endpoint is not asked again by every request.
 */
public final class SharedCredential {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCredential.class);

    /** Credentials are renewed this long before WeChat says they expire. */
    static final long EXPIRY_MARGIN_MS = 200_000;
    /** A lease outlives a node that dies while fetching by no more than this. */
    static final long LEASE_MS = 15_000;
    /** How often a waiting node looks at the lease again. */
    static final long LEASE_POLL_MS = 25;
    /** An expired credential is read again from the database at most this often, per node. */
    static final long RELOAD_INTERVAL_MS = 50;

    private final WeChatStore store;
    private final String appId;
    private final String kind;
    private final String owner;
    private final Clock clock;
    private final long backoffMs;
    private final ClusterLock lock = new ClusterLock();

    private volatile String value;
    private volatile long expiresAtMs;
    private volatile long reloadedAtMs;
    private volatile Backoff backoff = new Backoff(0, null);

    /** Until when fetches are not made, and WeChat's answer to the one that failed (null if it did not answer). */
    private record Backoff(long untilMs, String answer) {
    }

    public SharedCredential(WeChatStore store, String appId, String kind, String nodeId, Clock clock, long backoffMs) {
        this.store = store;
        this.appId = appId;
        this.kind = kind;
        this.owner = nodeId;
        this.clock = clock;
        this.backoffMs = backoffMs;
    }

    public String value() {
        return value;
    }

    public boolean isExpired() {
        long now = clock.millis();
        if (value != null && now < expiresAtMs) {
            return false;
        }
        if (now - reloadedAtMs >= RELOAD_INTERVAL_MS) {
            reloadedAtMs = now;
            Optional<WeChatStore.Credential> stored = store.credential(appId, kind);
            if (stored.isPresent() && stored.get().value() != null && now < stored.get().expiresAtMs()) {
                value = stored.get().value();
                expiresAtMs = stored.get().expiresAtMs();
                return false;
            }
        }
        return true;
    }

    /** Keeps a credential just fetched, for this node and the others. */
    public void update(String newValue, int expiresInSeconds) {
        long expires = clock.millis() + expiresInSeconds * 1000L - EXPIRY_MARGIN_MS;
        store.saveCredential(appId, kind, newValue, expires);
        value = newValue;
        expiresAtMs = expires;
        clearBackoff();
    }

    /**
     * For the holder of the {@link #lock()}, just before it fetches: the credential another holder fetched while
     * this one waited, as WeChat's token answer, or null if a fetch is needed. WxJava's service account does not
     * look again once it has the lock, and another node's fetch is only seen in the database.
     */
    String fetchedMeanwhile() {
        reloadedAtMs = 0;
        if (isExpired()) {
            return null;
        }
        JsonObject answer = new JsonObject();
        answer.addProperty("access_token", value);
        answer.addProperty("expires_in", Math.max(1, (expiresAtMs - clock.millis() + EXPIRY_MARGIN_MS) / 1000));
        return answer.toString();
    }

    /** WeChat refused the credential: it is fetched again, unless another node already has a new one. */
    public void expire() {
        String refused = value;
        expiresAtMs = 0;
        reloadedAtMs = 0;
        if (refused != null && store.expireCredential(appId, kind, refused)) {
            LOG.info("WECHAT {}: {} refused by WeChat, fetching a new one", appId, kind);
        }
    }

    /** @param answer WeChat's answer refusing the fetch, or null when WeChat did not answer */
    public void fetchFailed(String why, String answer) {
        backoff = new Backoff(clock.millis() + backoffMs, answer);
        LOG.warn("WECHAT {}: fetching the {} failed ({}); not asking again for {} ms", appId, kind, why, backoffMs);
    }

    public boolean inBackoff() {
        return clock.millis() < backoff.untilMs();
    }

    /** During the back-off, WeChat's answer to the fetch that failed, or empty if WeChat did not answer. */
    public Optional<String> backoffAnswer() {
        Backoff current = backoff;
        return clock.millis() < current.untilMs() ? Optional.ofNullable(current.answer()) : Optional.empty();
    }

    /** Ends the back-off: the app's settings changed, so the next call tries them at once. */
    public void clearBackoff() {
        backoff = new Backoff(0, null);
    }

    public Lock lock() {
        return lock;
    }

    /** The node's lock, then the cluster's lease. */
    private final class ClusterLock implements Lock {

        private final ReentrantLock local = new ReentrantLock();

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(time);
            if (!local.tryLock(time, unit)) {
                return false;
            }
            if (local.getHoldCount() > 1) {
                return true;
            }
            do {
                if (lease()) {
                    return true;
                }
                Thread.sleep(LEASE_POLL_MS);
            } while (System.nanoTime() < deadline);
            local.unlock();
            return false;
        }

        @Override
        public void lock() {
            local.lock();
            if (local.getHoldCount() > 1) {
                return;
            }
            boolean interrupted = false;
            while (!lease()) {
                try {
                    Thread.sleep(LEASE_POLL_MS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            if (!tryLock(Long.MAX_VALUE / 2, TimeUnit.NANOSECONDS)) {
                throw new InterruptedException();
            }
        }

        @Override
        public boolean tryLock() {
            if (!local.tryLock()) {
                return false;
            }
            if (local.getHoldCount() > 1 || lease()) {
                return true;
            }
            local.unlock();
            return false;
        }

        /**
         * Takes the lease. Once taken, the credential is read from the database on the next look, however recently
         * it was read: the holder before may have just saved a new one.
         */
        private boolean lease() {
            if (!store.tryLease(appId, kind, owner, clock.millis(), LEASE_MS)) {
                return false;
            }
            reloadedAtMs = 0;
            return true;
        }

        @Override
        public void unlock() {
            try {
                if (local.getHoldCount() == 1) {
                    store.releaseLease(appId, kind, owner);
                }
            } finally {
                local.unlock();
            }
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("a cluster lock has no conditions");
        }
    }
}
