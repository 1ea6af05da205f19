package io.edamame.wechat.impl.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.util.Optional;

/** What a fetch of a credential from WeChat does besides fetching: honour and start the back-off. */
final class Fetches {

    @FunctionalInterface
    interface Fetch {
        String get() throws IOException;
    }

    private Fetches() {
    }

    /**
     * Runs {@code fetch} unless the credential is in its back-off (then WeChat's last refusal is answered again, so
     * that the caller gets the same error, or an I/O failure if WeChat did not answer) or, {@code forceRefresh}
     * aside, another holder of the credential's lock fetched it meanwhile. Called with the lock held.
     */
    static String guard(SharedCredential credential, boolean forceRefresh, Fetch fetch) throws IOException {
        if (credential.inBackoff()) {
            Optional<String> refusal = credential.backoffAnswer();
            if (refusal.isPresent()) {
                return refusal.get();
            }
            throw new IOException("WeChat could not be reached for the last credential fetch of this app; "
                    + "not asking again yet");
        }
        if (!forceRefresh) {
            String fetched = credential.fetchedMeanwhile();
            if (fetched != null) {
                return fetched;
            }
        }
        String response;
        try {
            response = fetch.get();
        } catch (IOException | RuntimeException e) {
            credential.fetchFailed(e.toString(), null);
            throw e;
        }
        int errcode = errcode(response);
        if (errcode != 0) {
            credential.fetchFailed("errcode " + errcode, response);
        }
        return response;
    }

    private static int errcode(String response) {
        try {
            JsonElement json = JsonParser.parseString(response);
            if (json.isJsonObject() && json.getAsJsonObject().has("errcode")) {
                return json.getAsJsonObject().get("errcode").getAsInt();
            }
            return 0;
        } catch (RuntimeException e) {
            return -2;
        }
    }
}
