package io.edamame.core.impl.shell;

import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.TenantService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "edamame", name = "plugin-enable", description = "Switches a plugin on for a tenant, keeping its settings")
public class PluginEnableCommand implements Action {

    @Argument(index = 0, name = "tenant", required = true, description = "Tenant slug")
    String tenant;

    @Argument(index = 1, name = "plugin", required = true, description = "Plugin id")
    String plugin;

    @Reference
    TenantService tenants;

    @Reference
    PluginRegistry plugins;

    @Override
    public Object execute() {
        return PluginSwitch.apply(tenants, plugins, tenant, plugin, true);
    }
}
