package io.edamame.core.impl.shell;

import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Tenant;
import io.edamame.core.api.TenantService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "edamame", name = "tenant-list", description = "Lists the tenants of the platform")
public class TenantListCommand implements Action {

    @Option(name = "--page", description = "Zero-based page")
    int page = 0;

    @Reference
    TenantService tenants;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Slug");
        table.column("Name");
        table.column("Status");
        table.column("Created");
        var result = tenants.list(new PageRequest(page, PageRequest.MAX_SIZE));
        for (Tenant t : result.items()) {
            table.addRow().addContent(t.id(), t.slug(), t.name(), t.status(), t.createdAt());
        }
        table.print(System.out);
        System.out.println(result.total() + " tenant(s)");
        return null;
    }
}
