package io.edamame.core.impl.persistence;

import java.time.Instant;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/** An external identity of a user; (tenant, provider, subject) is unique. */
@Entity
@Table(name = "user_identity")
public class UserIdentityEntity {

    @Id
    @SequenceGenerator(name = "user_identity_seq", sequenceName = "user_identity_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "user_identity_seq")
    private Long id;

    @Column(name = "tenant_id", nullable = false)
    private long tenantId;

    @Column(name = "user_id", nullable = false)
    private long userId;

    @Column(nullable = false, length = 64)
    private String provider;

    @Column(nullable = false, length = 191)
    private String subject;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected UserIdentityEntity() {
    }

    public UserIdentityEntity(long tenantId, long userId, String provider, String subject, Instant now) {
        this.tenantId = tenantId;
        this.userId = userId;
        this.provider = provider;
        this.subject = subject;
        this.createdAt = now;
    }

    public long getUserId() {
        return userId;
    }

    public String getProvider() {
        return provider;
    }

    public String getSubject() {
        return subject;
    }
}
