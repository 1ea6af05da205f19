package io.edamame.danmaku.impl.rest;

import io.edamame.core.api.Caller;
import io.edamame.core.api.Plugin;
import io.edamame.core.api.RestResource;
import io.edamame.danmaku.impl.DanmakuPlugin;
import io.edamame.danmaku.impl.store.StoredSensitiveWords;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.validation.Valid;
import javax.validation.constraints.NotNull;
import javax.validation.constraints.Size;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A tenant's sensitive-word list, read and replaced by tenant admins. Whether a match is masked or
 * rejected is the plugin setting {@code sensitiveWordMode}.
 */
@Component(service = RestResource.class, property = Plugin.PLUGIN_ID + "=" + DanmakuPlugin.ID)
@Path("/tenants/{tenant}/danmaku/sensitive-words")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(RestResource.TENANT_ADMIN)
public class SensitiveWordsResource implements RestResource {

    static final int MAX_WORDS = 10_000;
    static final int MAX_WORD_LENGTH = 50;

    public record WordList(@NotNull @Size(max = MAX_WORDS) List<@NotNull String> words) {
    }

    private final StoredSensitiveWords words;

    @Activate
    public SensitiveWordsResource(@Reference StoredSensitiveWords words) {
        this.words = words;
    }

    @GET
    public Map<String, Object> get(@Context SecurityContext security) {
        Caller caller = DanmakuRoomResource.caller(security);
        return Map.of("words", words.words(caller.tenantId()));
    }

    /**
     * Replaces the list. Words are trimmed; blank and repeated ones are dropped; one longer than
     * {@value #MAX_WORD_LENGTH} characters refuses the whole list, which then stays as it was.
     */
    @PUT
    public Map<String, Object> replace(@Context SecurityContext security, @Valid @NotNull WordList request) {
        Caller caller = DanmakuRoomResource.caller(security);
        Set<String> clean = new LinkedHashSet<>();
        for (int i = 0; i < request.words().size(); i++) {
            String word = request.words().get(i).strip();
            if (word.codePointCount(0, word.length()) > MAX_WORD_LENGTH) {
                throw DanmakuRoomResource.invalid("words[" + i + "]", "at most " + MAX_WORD_LENGTH + " characters");
            }
            if (!word.isEmpty()) {
                clean.add(word);
            }
        }
        words.replace(caller.tenantId(), clean);
        return Map.of("words", new ArrayList<>(words.words(caller.tenantId())));
    }
}
