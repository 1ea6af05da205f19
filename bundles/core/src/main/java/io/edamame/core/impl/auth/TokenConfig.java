package io.edamame.core.impl.auth;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Edamame bearer tokens",
        description = "Signing key and lifetime of the tokens that POST /api/v1/auth/login issues.")
public @interface TokenConfig {

    String PID = "io.edamame.core.auth";

    @AttributeDefinition(name = "Signing secret", type = AttributeType.PASSWORD,
            description = "Base64 of at least 32 random bytes (HMAC-SHA256). Generated and saved on first start "
                    + "when empty. Every node of a cluster needs the same value.")
    String token_secret() default "";

    @AttributeDefinition(name = "Lifetime (seconds)", min = "60")
    long token_ttl_seconds() default 43_200;

    @AttributeDefinition(name = "Issuer")
    String token_issuer() default "edamame";
}
