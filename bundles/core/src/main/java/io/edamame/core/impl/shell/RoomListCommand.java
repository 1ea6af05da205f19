package io.edamame.core.impl.shell;

import io.edamame.core.api.PageRequest;
import io.edamame.core.api.Room;
import io.edamame.core.api.RoomQuery;
import io.edamame.core.api.RoomService;
import io.edamame.core.api.RoomStatus;
import io.edamame.core.api.TenantService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "edamame", name = "room-list", description = "Lists a tenant's rooms, newest scheduled start first")
public class RoomListCommand implements Action {

    @Argument(index = 0, name = "tenant", required = true, description = "Tenant slug")
    String tenant;

    @Option(name = "--status", description = "SCHEDULED, LIVE or ENDED")
    RoomStatus status;

    @Option(name = "--page", description = "Zero-based page")
    int page = 0;

    @Reference
    TenantService tenants;

    @Reference
    RoomService rooms;

    @Override
    public Object execute() {
        long tenantId = tenants.get(tenant).id();
        var result = rooms.list(tenantId, new RoomQuery(status, null, null, null, null),
                new PageRequest(page, PageRequest.MAX_SIZE));
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Title");
        table.column("Type");
        table.column("Status");
        table.column("Access");
        table.column("Replay");
        table.column("Scheduled");
        for (Room r : result.items()) {
            table.addRow().addContent(r.id(), r.title(), r.type(), r.status(), r.access(), r.replayAccess(),
                    r.scheduledStart());
        }
        table.print(System.out);
        System.out.println(result.total() + " room(s)");
        return null;
    }
}
