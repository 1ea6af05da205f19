package io.edamame.core.impl.shell;

import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.TenantPlugin;
import io.edamame.core.api.TenantService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "edamame", name = "plugin-list", description = "Lists installed plugins and whether a tenant has them on")
public class PluginListCommand implements Action {

    @Argument(index = 0, name = "tenant", required = true, description = "Tenant slug")
    String tenant;

    @Reference
    TenantService tenants;

    @Reference
    PluginRegistry plugins;

    @Override
    public Object execute() {
        long tenantId = tenants.get(tenant).id();
        ShellTable table = new ShellTable();
        table.column("Plugin");
        table.column("Name");
        table.column("Version");
        table.column("Enabled");
        for (TenantPlugin p : plugins.forTenant(tenantId)) {
            table.addRow().addContent(p.plugin().id(), p.plugin().name(), p.plugin().version(), p.enabled());
        }
        table.print(System.out);
        return null;
    }
}
