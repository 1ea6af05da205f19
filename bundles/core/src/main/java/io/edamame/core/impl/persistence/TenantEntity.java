package io.edamame.core.impl.persistence;

import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantStatus;
import java.time.Instant;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

@Entity
@Table(name = "tenant")
public class TenantEntity {

    @Id
    @SequenceGenerator(name = "tenant_seq", sequenceName = "tenant_seq", allocationSize = 50)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "tenant_seq")
    private Long id;

    @Column(nullable = false, unique = true, length = 40)
    private String slug;

    @Column(nullable = false, length = 120)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private TenantStatus status;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected TenantEntity() {
    }

    public TenantEntity(String slug, String name, Instant now) {
        this.slug = slug;
        this.name = name;
        this.status = TenantStatus.ACTIVE;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public Long getId() {
        return id;
    }

    public String getSlug() {
        return slug;
    }

    public void setStatus(TenantStatus status, Instant now) {
        this.status = status;
        this.updatedAt = now;
    }

    public Tenant toTenant() {
        return new Tenant(id, slug, name, status, createdAt);
    }
}
