package io.edamame.core.impl.socket;

import io.edamame.core.api.Caller;
import io.edamame.core.api.CoreErrorCode;
import io.edamame.core.api.EdamameException;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RoomSocketGate;
import io.edamame.core.api.SocketCloseCodes;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import io.edamame.core.api.TenantStatus;
import io.edamame.core.api.TokenService;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

@Component(service = RoomSocketGate.class)
public class RoomSocketGateImpl implements RoomSocketGate {

    private final TenantService tenants;
    private final PluginRegistry plugins;
    private final TokenService tokens;

    @Activate
    public RoomSocketGateImpl(@Reference TenantService tenants, @Reference PluginRegistry plugins,
                              @Reference TokenService tokens) {
        this.tenants = tenants;
        this.plugins = plugins;
        this.tokens = tokens;
    }

    @Override
    public Admission open(String tenantSlug, String roomIdText, String pluginId, String token) {
        Optional<Tenant> tenant = tenantSlug == null ? Optional.empty() : tenants.find(tenantSlug);
        long roomId = parseId(roomIdText);
        if (tenant.isEmpty() || roomId <= 0) {
            return Admission.refused(SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND);
        }
        if (tenant.get().status() != TenantStatus.ACTIVE) {
            return Admission.refused(SocketCloseCodes.FORBIDDEN, CoreErrorCode.TENANT_SUSPENDED);
        }
        if (!plugins.isEnabled(tenant.get().id(), pluginId)) {
            return Admission.refused(SocketCloseCodes.FORBIDDEN, CoreErrorCode.PLUGIN_DISABLED);
        }
        Admission anonymous = Admission.admitted(tenant.get(), roomId, null);
        return token == null || token.isEmpty() ? anonymous : signIn(anonymous, token);
    }

    @Override
    public Admission signIn(Admission opened, String token) {
        if (!opened.isAdmitted()) {
            return opened;
        }
        Caller caller;
        try {
            caller = tokens.verify(token == null ? "" : token);
        } catch (EdamameException e) {
            return e.code() == CoreErrorCode.TENANT_SUSPENDED
                    ? Admission.refused(SocketCloseCodes.FORBIDDEN, CoreErrorCode.TENANT_SUSPENDED)
                    : Admission.refused(SocketCloseCodes.UNAUTHENTICATED, CoreErrorCode.UNAUTHENTICATED);
        }
        if (caller.tenantId() != opened.tenantId()) {
            return Admission.refused(SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND);
        }
        return Admission.admitted(opened.tenant(), opened.roomId(), caller);
    }

    @Override
    public Admission recheck(Admission admitted, String pluginId) {
        if (!admitted.isAdmitted()) {
            return admitted;
        }
        Optional<Tenant> tenant = tenants.find(admitted.tenantId());
        if (tenant.isEmpty()) {
            return Admission.refused(SocketCloseCodes.NOT_FOUND, CoreErrorCode.ROOM_NOT_FOUND);
        }
        if (tenant.get().status() != TenantStatus.ACTIVE) {
            return Admission.refused(SocketCloseCodes.FORBIDDEN, CoreErrorCode.TENANT_SUSPENDED);
        }
        if (!plugins.isEnabled(tenant.get().id(), pluginId)) {
            return Admission.refused(SocketCloseCodes.FORBIDDEN, CoreErrorCode.PLUGIN_DISABLED);
        }
        return admitted;
    }

    private static long parseId(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
