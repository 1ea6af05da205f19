package io.edamame.core.impl.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.edamame.core.impl.rest.resource.RoomsResource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAPI document names the rooms' fields with their values, as clients generate code from it. */
class OpenApiResourceTest {

    @Test
    void describesTheReplayAccessOfRoomsAndOfTheirCreationAndChange() throws Exception {
        JsonNode schemas = Json.mapper().readTree(new OpenApiResource(List.of(new RoomsResource(null))).openApi())
                .path("components").path("schemas");

        for (String schema : List.of("Room", "CreateRoomRequest", "UpdateRoomRequest")) {
            JsonNode replayAccess = schemas.path(schema).path("properties").path("replayAccess");
            assertEquals(Json.mapper().readTree("[\"AS_LIVE\", \"FREE\", \"PAID\"]"), replayAccess.path("enum"),
                    schema + ": " + replayAccess);
        }
    }
}
