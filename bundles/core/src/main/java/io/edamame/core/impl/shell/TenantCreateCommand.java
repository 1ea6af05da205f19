package io.edamame.core.impl.shell;

import io.edamame.core.api.TenantService;
import io.edamame.core.impl.bootstrap.Passwords;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Service
@Command(scope = "edamame", name = "tenant-create",
        description = "Creates a tenant with its first admin; prints a generated password unless one is given")
public class TenantCreateCommand implements Action {

    @Argument(index = 0, name = "slug", required = true, description = "Tenant slug (3-40 of a-z, 0-9, -)")
    String slug;

    @Argument(index = 1, name = "name", required = true, description = "Display name")
    String name;

    @Argument(index = 2, name = "admin", required = false, description = "Admin username (default: admin)")
    String admin = "admin";

    @Option(name = "--password", description = "Admin password (default: generated)")
    String password;

    @Reference
    TenantService tenants;

    @Override
    public Object execute() {
        String adminPassword = password != null ? password : Passwords.generate();
        TenantService.CreatedTenant created = tenants.create(slug, name, admin, adminPassword);
        System.out.println("Created tenant " + created.tenant().slug() + " (id " + created.tenant().id() + ")");
        System.out.println("Admin login: tenant=" + slug + " username=" + admin
                + (password == null ? " password=" + adminPassword : ""));
        return null;
    }
}
