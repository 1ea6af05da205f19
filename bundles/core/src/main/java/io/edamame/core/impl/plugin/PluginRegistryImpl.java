package io.edamame.core.impl.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameEvents;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.PluginInfo;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantPlugin;
import io.edamame.core.api.TenantService;
import io.edamame.core.impl.persistence.CoreDatabase;
import io.edamame.core.impl.persistence.CoreEvents;
import io.edamame.core.impl.persistence.PluginSwitchEntity;
import io.edamame.core.impl.persistence.Rules;
import io.edamame.core.impl.persistence.TtlCache;
import io.edamame.core.impl.secrets.SecretCipher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installed plugins (whiteboard of {@link Plugin} services) and each tenant's switches. Switches live
 * in the database and outlive the plugin bundles; reads come from a per-tenant cache that this node
 * updates on every change, so a switch takes effect on the next request.
 *
 * <p>Secret settings are encrypted just before they are written and decrypted when a tenant's switches
 * are loaded ({@link SecretSettings}); plugins only ever see them decrypted. Every write encrypts all of
 * a plugin's secrets afresh with the current key: rows written before settings were encrypted, and values
 * encrypted with a previous key, are brought up to date by their next write.
 */
@Component(service = PluginRegistry.class)
public class PluginRegistryImpl implements PluginRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistryImpl.class);
    private static final TypeReference<Map<String, Object>> SETTINGS_TYPE = new TypeReference<>() {
    };
    /** How long a switch changed on another node may take to be seen here. */
    private static final long CACHE_TTL_MILLIS = 5_000;
    /** The size of the settings column. */
    private static final int MAX_SETTINGS_CHARS = 16_000;

    /**
     * One tenant's saved switch of a plugin, its settings decrypted. Values that could not be decrypted are
     * kept as stored, so that a missing key does not lose them on the next write.
     */
    record Switch(boolean enabled, Map<String, Object> settings, Map<String, String> undecryptable) {
    }

    private static final Pattern PLUGIN_ID = Pattern.compile(Rules.PLUGIN_ID_PATTERN);

    private final Map<String, Plugin> plugins = new ConcurrentHashMap<>();
    private final TtlCache<Long, Map<String, Switch>> switches = new TtlCache<>(CACHE_TTL_MILLIS);
    private final ObjectMapper json = new ObjectMapper();
    private final CoreDatabase db;
    private final TenantService tenants;
    private final CoreEvents events;
    private final SecretSettings secrets;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public PluginRegistryImpl(@Reference CoreDatabase db, @Reference TenantService tenants,
                              @Reference CoreEvents events, @Reference SecretCipher cipher) {
        this.db = db;
        this.tenants = tenants;
        this.events = events;
        this.secrets = new SecretSettings(cipher, json);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addPlugin(Plugin plugin) {
        if (plugin.id() == null || !PLUGIN_ID.matcher(plugin.id()).matches()) {
            LOG.error("PLUGIN {}: ignored, an id must match {} ({})", plugin.id(), Rules.PLUGIN_ID_PATTERN,
                    plugin.getClass().getName());
            return;
        }
        Plugin previous = plugins.putIfAbsent(plugin.id(), plugin);
        if (previous != null && previous != plugin) {
            LOG.warn("PLUGIN {}: a second service with this id is ignored ({})", plugin.id(), plugin.getClass().getName());
            return;
        }
        LOG.info("PLUGIN {}: installed, version {}", plugin.id(), plugin.version());
    }

    public void removePlugin(Plugin plugin) {
        if (plugin.id() != null && plugins.remove(plugin.id(), plugin)) {
            LOG.info("PLUGIN {}: uninstalled; tenants' switches and settings are kept", plugin.id());
        }
    }

    @Override
    public List<PluginInfo> installed() {
        return plugins.values().stream().map(PluginRegistryImpl::info)
                .sorted(Comparator.comparing(PluginInfo::id)).toList();
    }

    private static PluginInfo info(Plugin plugin) {
        return new PluginInfo(plugin.id(), plugin.name(), plugin.version(), plugin.description(),
                plugin.settingsSchema() == null ? Map.of() : plugin.settingsSchema());
    }

    @Override
    public List<TenantPlugin> forTenant(long tenantId) {
        Map<String, Switch> saved = switchesOf(tenantId);
        List<TenantPlugin> result = new ArrayList<>();
        for (PluginInfo info : installed()) {
            result.add(view(info, saved.get(info.id())));
        }
        return result;
    }

    @Override
    public TenantPlugin forTenant(long tenantId, String pluginId) {
        Plugin plugin = require(pluginId);
        return view(info(plugin), switchesOf(tenantId).get(pluginId));
    }

    private static TenantPlugin view(PluginInfo info, Switch saved) {
        SettingsSchema schema = new SettingsSchema(info.settingsSchema());
        Map<String, Object> settings = schema.withDefaults(saved == null ? Map.of() : saved.settings());
        return new TenantPlugin(info, saved != null && saved.enabled(), settings);
    }

    @Override
    public boolean isEnabled(long tenantId, String pluginId) {
        if (!plugins.containsKey(pluginId)) {
            return false;
        }
        Switch saved = switchesOf(tenantId).get(pluginId);
        return saved != null && saved.enabled();
    }

    @Override
    public Map<String, Object> settings(long tenantId, String pluginId) {
        return forTenant(tenantId, pluginId).settings();
    }

    @Override
    public TenantPlugin configure(long tenantId, String pluginId, boolean enabled, Map<String, Object> settings) {
        Plugin plugin = require(pluginId);
        Tenant tenant = tenants.find(tenantId)
                .orElseThrow(() -> new EdamameException(CoreErrorCode.TENANT_NOT_FOUND, "No tenant " + tenantId));
        SettingsSchema schema = new SettingsSchema(plugin.settingsSchema());
        Switch before = switchesOf(tenantId).get(pluginId);
        Map<String, Object> stored = before == null ? Map.of() : before.settings();
        Map<String, Object> next = settings == null ? stored : schema.keepingSecrets(settings, stored);
        // Saved settings are checked again when switching on: the schema may have changed since.
        if (settings != null || enabled) {
            List<Map<String, String>> violations = schema.violations(next);
            if (!violations.isEmpty()) {
                throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, "Invalid settings for plugin '" + pluginId + "'",
                        violations);
            }
            plugin.validateSettings(schema.withDefaults(next));
        }
        Map<String, Object> encrypted = secrets.encrypt(tenantId, pluginId, schema, next);
        if (before != null) {
            before.undecryptable().forEach((name, value) -> {
                // Kept as long as the setting would be kept if it had been read: the right key may come back.
                if (settings == null || (schema.isSecret(name) && !settings.containsKey(name))) {
                    encrypted.put(name, value);
                }
            });
        }
        String settingsJson = toJson(encrypted);
        if (settingsJson.length() > MAX_SETTINGS_CHARS) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS,
                    "Settings must be at most " + MAX_SETTINGS_CHARS + " characters of JSON, secrets encrypted");
        }
        db.writeVoid(em -> {
            PluginSwitchEntity entity = em.find(PluginSwitchEntity.class, new PluginSwitchEntity.Key(tenantId, pluginId));
            if (entity == null) {
                entity = new PluginSwitchEntity(tenantId, pluginId);
                entity.update(enabled, settingsJson, clock.instant());
                em.persist(entity);
            } else {
                entity.update(enabled, settingsJson, clock.instant());
            }
        });
        switches.invalidate(tenantId);
        TenantPlugin after = forTenant(tenantId, pluginId);
        boolean wasEnabled = before != null && before.enabled();
        notifyPlugin(plugin, tenant, wasEnabled, after);
        String topic = wasEnabled == enabled ? EdamameEvents.PLUGIN_SETTINGS_CHANGED
                : enabled ? EdamameEvents.PLUGIN_ENABLED : EdamameEvents.PLUGIN_DISABLED;
        LOG.info("PLUGIN {}: {} for tenant {}", pluginId, topic.substring(topic.lastIndexOf('/') + 1), tenant.slug());
        events.post(topic, EdamameEvents.TENANT_ID, tenantId, EdamameEvents.TENANT_SLUG, tenant.slug(),
                EdamameEvents.PLUGIN_ID, pluginId);
        return after;
    }

    /** Plugin callbacks run after the switch is committed; a failing callback does not undo it. */
    private static void notifyPlugin(Plugin plugin, Tenant tenant, boolean wasEnabled, TenantPlugin after) {
        try {
            if (after.enabled()) {
                plugin.onEnabled(tenant, after.settings());
            } else if (wasEnabled) {
                plugin.onDisabled(tenant);
            }
        } catch (RuntimeException e) {
            LOG.error("PLUGIN {}: callback for tenant {} failed", plugin.id(), tenant.slug(), e);
        }
    }

    @Override
    public List<Long> tenantsEnabling(String pluginId) {
        return db.read(em -> em.createQuery("select s.tenantId from PluginSwitchEntity s "
                        + "where s.pluginId = :p and s.enabled = true order by s.tenantId", Long.class)
                .setParameter("p", pluginId).getResultList());
    }

    private Plugin require(String pluginId) {
        Plugin plugin = pluginId == null ? null : plugins.get(pluginId);
        if (plugin == null) {
            throw new EdamameException(CoreErrorCode.PLUGIN_NOT_FOUND, "No plugin '" + pluginId + "' is installed");
        }
        return plugin;
    }

    private Map<String, Switch> switchesOf(long tenantId) {
        return switches.get(tenantId, id -> db.read(em -> {
            Map<String, Switch> result = new HashMap<>();
            for (PluginSwitchEntity entity : em.createQuery("select s from PluginSwitchEntity s where s.tenantId = :t",
                    PluginSwitchEntity.class).setParameter("t", id).getResultList()) {
                SecretSettings.Decrypted settings = secrets.decrypt(id, entity.getPluginId(),
                        fromJson(entity.getSettingsJson()));
                result.put(entity.getPluginId(),
                        new Switch(entity.isEnabled(), settings.settings(), settings.undecryptable()));
            }
            return Map.copyOf(result);
        }));
    }

    private String toJson(Map<String, Object> settings) {
        try {
            return json.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new EdamameException(CoreErrorCode.INVALID_SETTINGS, "Settings cannot be stored as JSON", null, e);
        }
    }

    private Map<String, Object> fromJson(String settingsJson) {
        if (settingsJson == null || settingsJson.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(settingsJson, SETTINGS_TYPE);
        } catch (JsonProcessingException e) {
            throw new EdamameException(CoreErrorCode.INTERNAL_ERROR, "Stored plugin settings are not valid JSON", null, e);
        }
    }
}
