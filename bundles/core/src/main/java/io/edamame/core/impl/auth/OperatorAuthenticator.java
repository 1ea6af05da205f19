package io.edamame.core.impl.auth;

import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.GroupPrincipal;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks platform operators' credentials against a Karaf JAAS realm: by default the realm
 * {@code karaf} ({@code etc/users.properties}), members of {@code admingroup}.
 */
@Component(service = OperatorAuthenticator.class, configurationPid = "io.edamame.core.operator")
@Designate(ocd = OperatorAuthenticator.Config.class)
public class OperatorAuthenticator {

    @ObjectClassDefinition(name = "Edamame platform operators")
    public @interface Config {
        @AttributeDefinition(name = "JAAS realm")
        String realm() default "karaf";

        @AttributeDefinition(name = "Operator group", description = "Users of this group are platform operators")
        String group() default "admingroup";
    }

    private static final Logger LOG = LoggerFactory.getLogger(OperatorAuthenticator.class);

    private volatile Config config;

    @Activate
    @Modified
    void configure(Config config) {
        this.config = config;
    }

    /** The operator's name if the credentials are valid and the user is in the operator group. */
    public Optional<String> authenticate(String username, char[] password) {
        Config current = config;
        Subject subject = new Subject();
        // The JAAS login modules of Karaf are found through the context class loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(OperatorAuthenticator.class.getClassLoader());
        try {
            LoginContext login = new LoginContext(current.realm(), subject, callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(username);
                    } else if (callback instanceof PasswordCallback pass) {
                        pass.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            login.login();
            boolean operator = subject.getPrincipals(GroupPrincipal.class).stream()
                    .anyMatch(p -> current.group().equals(p.getName()));
            login.logout();
            return operator ? Optional.of(username) : Optional.empty();
        } catch (LoginException e) {
            LOG.debug("OPERATOR: login refused: {}", e.getMessage());
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
