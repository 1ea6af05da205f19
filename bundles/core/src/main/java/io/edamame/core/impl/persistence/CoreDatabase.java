package io.edamame.core.impl.persistence;

import javax.persistence.EntityManagerFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The core's persistence unit, available only once the core's schema is migrated: every core
 * service depends on this component, so none can touch a table that does not exist yet.
 */
@Component(service = CoreDatabase.class)
public class CoreDatabase extends Transactions {

    public static final String UNIT_NAME = "edamame-core";

    @Activate
    public CoreDatabase(@Reference(target = "(osgi.unit.name=" + UNIT_NAME + ")") EntityManagerFactory emf,
                        @Reference CoreSchema schema) {
        super(emf);
        schema.awaitMigrated();
    }

    /** For tests outside OSGi, where the schema is migrated beforehand. */
    public CoreDatabase(EntityManagerFactory emf) {
        super(emf);
    }
}
