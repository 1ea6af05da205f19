package io.edamame.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.inject.Inject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Boots the Edamame distribution (one container per test class) on free loopback ports, with a platform
 * operator in the JAAS realm, and gives tests an HTTP client for the REST API.
 */
public abstract class EdamameTestSupport {

    static final String OPERATOR = "operator";
    static final String OPERATOR_PASSWORD = "operator-" + UUID.randomUUID();
    static final String PORT_PROPERTY = "edamame.itest.http.port";

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService features;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    /** Injected once the boot features are installed. */
    @Inject
    protected BootFinished bootFinished;

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    @Configuration
    public Option[] config() {
        String karafVersion = System.getProperty("karaf.version");
        String localRepository = System.getProperty("org.ops4j.pax.url.mvn.localRepository", "");
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(maven("io.edamame", "edamame-assembly").type("tar.gz").versionAsInProject())
                        .name("Edamame").unpackDirectory(new File("target/exam")),
                org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.INFO),
                systemProperty(PORT_PROPERTY).value(Integer.toString(freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                        "${" + PORT_PROPERTY + "}"),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        localRepository),
                editConfigurationFilePut("etc/users.properties", OPERATOR, OPERATOR_PASSWORD + ",_g_:admingroup"),
                editConfigurationFilePut("etc/users.properties", "_g_\\:admingroup",
                        "group,admin,manager,viewer,systembundles,ssh"),
                // The test probe needs the operator password too.
                systemProperty("edamame.itest.operator.password").value(OPERATOR_PASSWORD),
                systemProperty("project.version").value(System.getProperty("project.version")),
                // Pax Exam waits 10 s for its JUnit invoker (else the probe is never invoked and the driver waits
                // for ever) and 10 s for injected services such as BootFinished (else the first test fails). Both
                // come in the same feature batch as the boot features, which with slides and media (migrations,
                // the Kurento client) take longer than that on a loaded machine.
                systemProperty("org.ops4j.pax.exam.raw.extender.intern.Parser.DEFAULT_TIMEOUT").value("180000"),
                systemProperty("pax.exam.service.timeout").value("180000")));
        // What bin/karaf passes to a JDK 17: Karaf's locator and XML specs patched into the JDK.
        for (String option : List.of(
                "--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "-Djdk.util.zip.disableZip64ExtraFieldValidation=true",
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*")) {
            options.add(new VMOption(option));
        }
        return options.toArray(new Option[0]);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port", e);
        }
    }

    /** The REST API of the container under test, waiting for it to answer first. */
    protected Api api() throws Exception {
        Api api = new Api(Integer.parseInt(System.getProperty(PORT_PROPERTY)));
        api.awaitReady();
        return api;
    }

    protected String operatorPassword() {
        return System.getProperty("edamame.itest.operator.password");
    }

    /** A new tenant with its admin's token. */
    protected Tenant newTenant(Api api, String slug) throws Exception {
        String password = "admin-" + UUID.randomUUID();
        Api.Response created = api.asOperator(OPERATOR, operatorPassword()).post("/platform/tenants",
                Map.of("slug", slug, "name", "Tenant " + slug, "adminUsername", "admin", "adminPassword", password));
        if (created.status() != 201) {
            throw new AssertionError("tenant not created: " + created);
        }
        String token = api.login(slug, "admin", password);
        long adminId = created.json().path("admin").path("id").asLong();
        return new Tenant(slug, token, adminId);
    }

    /** An error answer: the status and the stable code, with the body shown when either differs. */
    protected static void assertError(Api.Response response, int status, String code) {
        org.junit.Assert.assertEquals(response.body(), status, response.status());
        org.junit.Assert.assertEquals(response.body(), code, response.code());
    }

    protected record Tenant(String slug, String adminToken, long adminId) {
    }
}
