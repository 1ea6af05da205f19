package io.edamame.core.impl.rest.resource;

import io.edamame.core.api.PluginInfo;
import io.edamame.core.api.PluginRegistry;
import io.edamame.core.api.RestResource;
import io.swagger.v3.oas.annotations.Operation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.sql.DataSource;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

@Component(service = RestResource.class)
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public class HealthResource implements RestResource {

    private final DataSource dataSource;
    private final PluginRegistry plugins;

    @Activate
    public HealthResource(@Reference(target = "(osgi.jndi.service.name=edamame)") DataSource dataSource,
                          @Reference PluginRegistry plugins) {
        this.dataSource = dataSource;
        this.plugins = plugins;
    }

    @GET
    @Operation(summary = "Whether the database answers, and which plugins are installed; 503 when unhealthy")
    public Response health() {
        Map<String, Object> database = new LinkedHashMap<>();
        boolean up;
        try (Connection connection = dataSource.getConnection()) {
            up = connection.isValid(2);
            database.put("status", up ? "UP" : "DOWN");
            database.put("product", connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            up = false;
            database.put("status", "DOWN");
            database.put("error", e.getMessage());
        }
        List<Map<String, String>> installed = plugins.installed().stream()
                .map((PluginInfo p) -> Map.of("id", p.id(), "version", p.version(), "status", "INSTALLED")).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("database", database);
        body.put("plugins", installed);
        return Response.status(up ? 200 : 503).entity(body).build();
    }
}
