package io.edamame.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    @Test
    void keepsTheDetailsInTheirOrderAsTheyWereGiven() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("servers", 3);
        details.put("reachable", 2);
        details.put("lastError", null);

        HealthReport report = HealthReport.degraded(details);
        details.put("later", true);

        assertEquals(HealthStatus.DEGRADED, report.status());
        assertEquals(List.of("servers", "reachable", "lastError"), new ArrayList<>(report.details().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> report.details().put("x", 1));
    }

    @Test
    void noDetailsAreAnEmptyMap() {
        assertEquals(Map.of(), HealthReport.up(null).details());
        assertEquals(Map.of(), new HealthReport(HealthStatus.DOWN, null).details());
    }

    @Test
    void aReportHasAStatusAndNoDetailNamedStatus() {
        Map<String, Object> details = new HashMap<>();
        details.put("status", "fine");

        assertThrows(NullPointerException.class, () -> new HealthReport(null, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> HealthReport.up(details));
    }
}
