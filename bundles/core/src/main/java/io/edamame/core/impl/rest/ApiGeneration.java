package io.edamame.core.impl.rest;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.ServletConfig;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.cxf.Bus;
import org.apache.cxf.bus.CXFBusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxrs.JAXRSServerFactoryBean;
import org.apache.cxf.jaxrs.lifecycle.SingletonResourceProvider;
import org.apache.cxf.jaxrs.validation.JAXRSBeanValidationInInterceptor;
import org.apache.cxf.transport.http.DestinationRegistry;
import org.apache.cxf.transport.http.DestinationRegistryImpl;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.apache.cxf.validation.BeanValidationProvider;

/**
 * One immutable CXF JAX-RS application: its own bus, servlet and server over a fixed set of resources.
 * When resources come or go, the {@link ApiServlet} builds the next generation, switches new requests
 * to it, and destroys this one once the requests it is serving have finished.
 */
final class ApiGeneration {

    private final Bus bus;
    private final CXFNonSpringServlet servlet;
    private final Server server;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private volatile boolean retired;

    private ApiGeneration(Bus bus, CXFNonSpringServlet servlet, Server server) {
        this.bus = bus;
        this.servlet = servlet;
        this.server = server;
    }

    static ApiGeneration build(ServletConfig config, List<Object> resources, List<Object> providers,
                               BeanValidationProvider validation) throws ServletException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // CXF finds its extensions through the context class loader.
        thread.setContextClassLoader(JAXRSServerFactoryBean.class.getClassLoader());
        Bus bus = new CXFBusFactory().createBus();
        // The context class loader of every request. Without it CXF looks it up as a resource of the
        // bundle on each request, and Felix answers that look-up with an exception: 5% of a request.
        bus.setExtension(ApiGeneration.class.getClassLoader(), ClassLoader.class);
        try {
            // Each generation has its own registry of addresses: in OSGi the bus-wide default is shared,
            // and the next generation could not open "/" while this one still serves.
            DestinationRegistry registry = new DestinationRegistryImpl();
            CXFNonSpringServlet servlet = new CXFNonSpringServlet(registry, true);
            servlet.setBus(bus);
            servlet.init(new ApiServletConfig(config));

            JAXRSServerFactoryBean factory = new JAXRSServerFactoryBean();
            factory.setBus(bus);
            factory.setAddress("/");
            factory.setDestinationFactory(new HTTPTransportFactory(registry));
            factory.setResourceProviders(resources.stream()
                    .map(resource -> new SingletonResourceProvider(resource, true))
                    .map(provider -> (org.apache.cxf.jaxrs.lifecycle.ResourceProvider) provider)
                    .toList());
            factory.setProviders(providers);
            JAXRSBeanValidationInInterceptor validator = new JAXRSBeanValidationInInterceptor();
            validator.setProvider(validation);
            factory.setInInterceptors(List.of(validator));
            Server server = factory.create();
            return new ApiGeneration(bus, servlet, server);
        } catch (RuntimeException | ServletException e) {
            bus.shutdown(false);
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Counts the request in, or answers false if this generation was retired meanwhile. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (retired) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (inFlight.decrementAndGet() == 0 && retired) {
            destroy();
        }
    }

    void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        servlet.service(request, response);
    }

    /** New requests go elsewhere from now on; this generation ends with its last request. */
    void retire() {
        retired = true;
        if (inFlight.get() == 0) {
            destroy();
        }
    }

    private void destroy() {
        if (destroyed.compareAndSet(false, true)) {
            server.destroy();
            servlet.destroy();
            bus.shutdown(false);
        }
    }

    /** The outer servlet's configuration, with CXF's HTML service list switched off. */
    private record ApiServletConfig(ServletConfig outer) implements ServletConfig {
        @Override
        public String getServletName() {
            return outer.getServletName();
        }

        @Override
        public javax.servlet.ServletContext getServletContext() {
            return outer.getServletContext();
        }

        @Override
        public String getInitParameter(String name) {
            return "hide-service-list-page".equals(name) ? "true" : outer.getInitParameter(name);
        }

        @Override
        public java.util.Enumeration<String> getInitParameterNames() {
            return outer.getInitParameterNames();
        }
    }
}
