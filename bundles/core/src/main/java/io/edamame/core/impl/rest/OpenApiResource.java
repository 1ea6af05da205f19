package io.edamame.core.impl.rest;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

/**
 * The OpenAPI 3 description of exactly the resources this generation serves, core and plugins alike,
 * read from their JAX-RS annotations on first request.
 */
@Path("/openapi.json")
public class OpenApiResource {

    private final Set<Class<?>> resourceClasses;
    private volatile String document;

    OpenApiResource(List<Object> resources) {
        this.resourceClasses = new LinkedHashSet<>();
        resources.forEach(resource -> resourceClasses.add(resource.getClass()));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String openApi() throws Exception {
        String current = document;
        if (current == null) {
            OpenAPI base = new OpenAPI()
                    .info(new Info().title("Edamame API").version("1")
                            .description("Tenants, users, rooms and plugins of the Edamame live-room platform. "
                                    + "Errors are {\"code\",\"message\",\"details\"}."))
                    .servers(List.of(new Server().url("/api/v1")))
                    .components(new Components()
                            .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                    .scheme("bearer").bearerFormat("JWT"))
                            .addSecuritySchemes("operator", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                    .scheme("basic")));
            Reader reader = new Reader(new SwaggerConfiguration().openAPI(base).readAllResources(true));
            current = Json.pretty(reader.read(resourceClasses));
            document = current;
        }
        return current;
    }
}
