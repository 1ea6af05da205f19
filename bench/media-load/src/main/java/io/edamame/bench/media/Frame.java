package io.edamame.bench.media;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What the tool needs of one frame the server sent (docs/MEDIA-PROTOCOL.md): a notification's method,
 * or an answer's id and either its error ({@code error.code}, {@code error.data.errorCode}) or the few
 * result fields the scenario reads. Read with Jackson's streaming parser straight from the frame's
 * bytes, skipping what is not needed: a viewer's join answer lists everyone in the room, and every
 * viewer receives a notification for every later join, so most frames are read only up to their
 * {@code method}.
 *
 * @param id the answer's id; -1 for a notification or an answer without a numeric id
 * @param method a notification's method, else null
 * @param errorCode {@code error.data.errorCode} (or {@code "RPC_<code>"} without one) of an error answer, else null
 * @param participantId {@code result.participantId} (join)
 * @param publisherId {@code result.publisherId} (publish, subscribe)
 * @param sdpAnswer {@code result.sdpAnswer} (publish, subscribe)
 */
record Frame(Kind kind, long id, String method, String errorCode, int rpcCode, String participantId,
             String publisherId, String sdpAnswer) {

    enum Kind { NOTIFICATION, RESULT, ERROR, UNREADABLE }

    private static final JsonFactory JSON = new JsonFactory();

    boolean isAnswer() {
        return kind == Kind.RESULT || kind == Kind.ERROR;
    }

    static Frame parse(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return parse(bytes, 0, bytes.length);
    }

    static Frame parse(byte[] bytes, int offset, int length) {
        try (JsonParser p = JSON.createParser(bytes, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return unreadable();
            }
            long id = -1;
            boolean answer = false;
            String errorCode = null;
            int rpcCode = 0;
            String participantId = null;
            String publisherId = null;
            String sdpAnswer = null;
            boolean error = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "method" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            // Nothing after the method matters for a notification.
                            return new Frame(Kind.NOTIFICATION, -1, p.getText(), null, 0, null, null, null);
                        }
                        p.skipChildren();
                    }
                    case "id" -> {
                        answer = true;
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            id = p.getLongValue();
                        }
                    }
                    case "result" -> {
                        answer = true;
                        if (value == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String field = p.currentName();
                                JsonToken v = p.nextToken();
                                if (v == JsonToken.VALUE_STRING && field.equals("participantId")) {
                                    participantId = p.getText();
                                } else if (v == JsonToken.VALUE_STRING && field.equals("publisherId")) {
                                    publisherId = p.getText();
                                } else if (v == JsonToken.VALUE_STRING && field.equals("sdpAnswer")) {
                                    sdpAnswer = p.getText();
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "error" -> {
                        answer = true;
                        error = true;
                        if (value == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String field = p.currentName();
                                JsonToken v = p.nextToken();
                                if (field.equals("code") && v == JsonToken.VALUE_NUMBER_INT) {
                                    rpcCode = p.getIntValue();
                                } else if (field.equals("data") && v == JsonToken.START_OBJECT) {
                                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                                        String dataField = p.currentName();
                                        JsonToken dv = p.nextToken();
                                        if (dataField.equals("errorCode") && dv == JsonToken.VALUE_STRING) {
                                            errorCode = p.getText();
                                        } else {
                                            p.skipChildren();
                                        }
                                    }
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!answer) {
                return unreadable();
            }
            if (error) {
                return new Frame(Kind.ERROR, id, null, errorCode != null ? errorCode : "RPC_" + rpcCode, rpcCode, null,
                        null, null);
            }
            return new Frame(Kind.RESULT, id, null, null, 0, participantId, publisherId, sdpAnswer);
        } catch (IOException e) {
            return unreadable();
        }
    }

    private static Frame unreadable() {
        return new Frame(Kind.UNREADABLE, -1, null, null, 0, null, null, null);
    }
}
