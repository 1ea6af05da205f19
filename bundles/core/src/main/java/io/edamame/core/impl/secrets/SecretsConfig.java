package io.edamame.core.impl.secrets;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Edamame secrets at rest",
        description = "Key that encrypts the secret plugin settings stored in the database (AES-256-GCM).")
public @interface SecretsConfig {

    String PID = "io.edamame.core.secrets";

    @AttributeDefinition(name = "Key", type = AttributeType.PASSWORD,
            description = "Base64 of 32 random bytes. Generated and saved on first start when empty. Every node "
                    + "of a cluster needs the same value; losing it loses the stored secrets.")
    String secrets_key() default "";

    @AttributeDefinition(name = "Previous keys", type = AttributeType.PASSWORD, required = false,
            description = "Comma-separated Base64 keys that were the key before: accepted for decryption only, "
                    + "so that the key can be rotated. Secrets are encrypted with the key on their next write.")
    String secrets_previous_keys() default "";
}
