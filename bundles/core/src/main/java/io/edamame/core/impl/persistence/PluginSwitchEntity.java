package io.edamame.core.impl.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.IdClass;
import javax.persistence.Table;

/** A tenant's switch and settings (JSON) of one plugin; kept when the plugin is uninstalled. */
@Entity
@Table(name = "plugin_switch")
@IdClass(PluginSwitchEntity.Key.class)
public class PluginSwitchEntity {

    @Id
    @Column(name = "tenant_id")
    private long tenantId;

    @Id
    @Column(name = "plugin_id", length = 64)
    private String pluginId;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "settings_json", length = 16000)
    private String settingsJson;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected PluginSwitchEntity() {
    }

    public PluginSwitchEntity(long tenantId, String pluginId) {
        this.tenantId = tenantId;
        this.pluginId = pluginId;
    }

    public long getTenantId() {
        return tenantId;
    }

    public String getPluginId() {
        return pluginId;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getSettingsJson() {
        return settingsJson;
    }

    public void update(boolean enabled, String settingsJson, Instant now) {
        this.enabled = enabled;
        if (settingsJson != null) {
            this.settingsJson = settingsJson;
        }
        this.updatedAt = now;
    }

    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;
        private long tenantId;
        private String pluginId;

        public Key() {
        }

        public Key(long tenantId, String pluginId) {
            this.tenantId = tenantId;
            this.pluginId = pluginId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.tenantId == tenantId && Objects.equals(k.pluginId, pluginId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenantId, pluginId);
        }
    }
}
