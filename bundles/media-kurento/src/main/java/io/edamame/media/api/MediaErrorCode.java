package io.edamame.media.api;

import io.edamame.core.api.ErrorCode;

/**
 * Why the media plugin refuses a call. Over REST the name is the error code of the JSON body; over the
 * signaling WebSocket it is {@code error.data.errorCode} and {@link #rpcCode()} is the JSON-RPC
 * {@code error.code}. Names and numbers are part of the public API: never change one.
 */
public enum MediaErrorCode implements ErrorCode {
    /** Not JSON, or not a JSON-RPC 2.0 object. */
    PARSE_ERROR(-32700, 400),
    /** JSON, but not a valid JSON-RPC 2.0 request. */
    INVALID_REQUEST(-32600, 400),
    /** No such method. */
    METHOD_NOT_FOUND(-32601, 404),
    /** Missing or ill-typed parameters. */
    INVALID_PARAMS(-32602, 400),
    /** A call that needs {@code join} first. */
    NOT_JOINED(4001, 409),
    /** {@code join} twice on one connection. */
    ALREADY_JOINED(4002, 409),
    /** The caller's role does not allow this call (an audience member publishing, a speaker accepting hands...). */
    NOT_ALLOWED(4003, 403),
    /** No participant publishes under that id in this room. */
    UNKNOWN_PUBLISHER(4004, 404),
    /** {@code unpublish} or {@code muteSpeaker} of someone who does not publish. */
    NOT_PUBLISHING(4005, 409),
    /** {@code publish} while already publishing; {@code unpublish} first. */
    ALREADY_PUBLISHING(4006, 409),
    /** {@code subscribe} twice to one publisher; {@code unsubscribe} first. */
    ALREADY_SUBSCRIBED(4007, 409),
    /** {@code acceptHand} or {@code declineHand} for a participant whose hand is not raised. */
    HAND_NOT_RAISED(4008, 409),
    /** The tenant's cap on simultaneous speakers is reached. */
    SPEAKER_LIMIT_REACHED(4009, 409),
    /** Media flows while the room is live only. */
    ROOM_NOT_LIVE(4010, 409),
    /** An SDP offer the media server cannot answer, or that is not SDP at all. */
    INVALID_SDP(4011, 400),
    /** No participant with that id in this room. */
    UNKNOWN_PARTICIPANT(4012, 404),
    /** Anonymous viewers may watch; raising a hand needs a signed-in user. */
    SIGN_IN_REQUIRED(4013, 401),
    /** Too many ICE candidates waiting for an endpoint that does not come. */
    TOO_MANY_CANDIDATES(4014, 429),
    /** No recording with that id in this tenant. */
    RECORDING_NOT_FOUND(4015, 404),
    /** The recording's file is not readable by this node (stored on the media server only, or deleted). */
    RECORDING_FILE_UNAVAILABLE(4016, 404),
    /** No media server is reachable; the rest of the platform works. */
    MEDIA_UNAVAILABLE(5003, 503),
    /** The media server failed the call for another reason. */
    MEDIA_SERVER_ERROR(5000, 502);

    private final int rpcCode;
    private final int httpStatus;

    MediaErrorCode(int rpcCode, int httpStatus) {
        this.rpcCode = rpcCode;
        this.httpStatus = httpStatus;
    }

    /** The JSON-RPC {@code error.code}. */
    public int rpcCode() {
        return rpcCode;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
