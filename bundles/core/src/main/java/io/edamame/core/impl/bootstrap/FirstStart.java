package io.edamame.core.impl.bootstrap;

import io.edamame.core.api.TenantService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start of an empty platform, creates the tenant {@code demo} with an admin whose
 * password is generated and printed once on the console (never a fixed default, never in the log).
 */
@Component(configurationPid = "io.edamame.core.bootstrap", immediate = true)
@Designate(ocd = FirstStart.Config.class)
public class FirstStart {

    @ObjectClassDefinition(name = "Edamame first start")
    public @interface Config {
        @AttributeDefinition(name = "Create the demo tenant", description = "When the platform has no tenant yet")
        boolean demo_enabled() default true;

        @AttributeDefinition(name = "Demo tenant slug")
        String demo_slug() default "demo";

        @AttributeDefinition(name = "Demo admin username")
        String demo_admin() default "admin";
    }

    private static final Logger LOG = LoggerFactory.getLogger(FirstStart.class);

    @Activate
    public FirstStart(@Reference TenantService tenants, Config config) {
        if (!config.demo_enabled() || tenants.count() > 0) {
            return;
        }
        String password = Passwords.generate();
        try {
            tenants.create(config.demo_slug(), "Demo", config.demo_admin(), password);
        } catch (RuntimeException e) {
            // Another node of the cluster created it first.
            LOG.info("BOOTSTRAP: demo tenant not created: {}", e.getMessage());
            return;
        }
        LOG.info("BOOTSTRAP: created tenant '{}' with admin '{}'; the password is printed on the console only",
                config.demo_slug(), config.demo_admin());
        System.out.println();
        System.out.println("==================================================================");
        System.out.println(" Edamame first start: created tenant '" + config.demo_slug() + "'");
        System.out.println("   admin login: tenant=" + config.demo_slug() + " username=" + config.demo_admin()
                + " password=" + password);
        System.out.println("   sign in with POST /api/v1/auth/login");
        System.out.println(" This password is shown once. Keep it.");
        System.out.println("==================================================================");
        System.out.println();
    }
}
