package io.edamame.wechat.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.ws.rs.core.Request;
import org.apache.cxf.jaxrs.impl.RequestImpl;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;

/** A request's method and headers as CXF hands them to resources, for {@code @Context Request}. */
public final class Http {

    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Message message = new MessageImpl();

    private Http(String method) {
        message.put(Message.PROTOCOL_HEADERS, headers);
        message.put(Message.HTTP_REQUEST_METHOD, method);
    }

    public static Http get() {
        return new Http("GET");
    }

    public Http header(String name, String value) {
        headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        return this;
    }

    public Request request() {
        return new RequestImpl(message);
    }
}
