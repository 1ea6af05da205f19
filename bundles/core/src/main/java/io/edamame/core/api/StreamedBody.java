package io.edamame.core.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a REST method that reads its request body as a stream and enforces a size limit of its own
 * (an upload of a slide deck, say). The API's general body limit, which buffers small JSON bodies in
 * memory, is not applied to it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface StreamedBody {
}
