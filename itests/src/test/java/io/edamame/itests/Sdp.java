package io.edamame.itests;

import java.util.concurrent.ThreadLocalRandom;

/**
 * SDP offers shaped as a browser makes them for WebRTC (BUNDLE, ICE credentials, a DTLS fingerprint, rtcp-mux,
 * Opus and VP8), so that a real Kurento Media Server accepts them as well as the fake. The client always
 * offers (docs/MEDIA-PROTOCOL.md): {@code sendonly} to publish, {@code recvonly} to subscribe or to play a
 * recording. Each offer carries {@code label} as its session name ({@code s=}), so that a test finds the
 * media server call that answered it.
 */
final class Sdp {

    private Sdp() {
    }

    static String publishAudio(String label) {
        return offer(label, true, false, "sendonly");
    }

    static String publishAudioVideo(String label) {
        return offer(label, true, true, "sendonly");
    }

    static String receiveAudio(String label) {
        return offer(label, true, false, "recvonly");
    }

    static String receiveAudioVideo(String label) {
        return offer(label, true, true, "recvonly");
    }

    static String offer(String label, boolean audio, boolean video, String direction) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String ufrag = token(8);
        String pwd = token(24);
        StringBuilder fingerprint = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            fingerprint.append(i == 0 ? "" : ":").append(String.format("%02X", random.nextInt(256)));
        }
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- ").append(Math.abs(random.nextLong() % 1_000_000_000_000L)).append(" 2 IN IP4 127.0.0.1\r\n")
                .append("s=").append(label).append("\r\n")
                .append("t=0 0\r\n")
                .append("a=group:BUNDLE").append(audio ? " 0" : "").append(video ? (audio ? " 1" : " 0") : "")
                .append("\r\n")
                .append("a=msid-semantic: WMS itest\r\n");
        int mid = 0;
        if (audio) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n");
            common(sdp, ufrag, pwd, fingerprint, mid++, direction);
            sdp.append("a=rtpmap:111 opus/48000/2\r\n")
                    .append("a=fmtp:111 minptime=10;useinbandfec=1\r\n")
                    .append("a=rtpmap:0 PCMU/8000\r\n");
            ssrc(sdp, direction, random.nextInt(1, Integer.MAX_VALUE));
        }
        if (video) {
            sdp.append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
            common(sdp, ufrag, pwd, fingerprint, mid, direction);
            sdp.append("a=rtcp-rsize\r\n")
                    .append("a=rtpmap:96 VP8/90000\r\n")
                    .append("a=rtcp-fb:96 goog-remb\r\n")
                    .append("a=rtcp-fb:96 ccm fir\r\n")
                    .append("a=rtcp-fb:96 nack\r\n")
                    .append("a=rtcp-fb:96 nack pli\r\n");
            ssrc(sdp, direction, random.nextInt(1, Integer.MAX_VALUE));
        }
        return sdp.toString();
    }

    private static void common(StringBuilder sdp, String ufrag, String pwd, CharSequence fingerprint, int mid,
                               String direction) {
        sdp.append("c=IN IP4 0.0.0.0\r\n")
                .append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(ufrag).append("\r\n")
                .append("a=ice-pwd:").append(pwd).append("\r\n")
                .append("a=ice-options:trickle\r\n")
                .append("a=fingerprint:sha-256 ").append(fingerprint).append("\r\n")
                .append("a=setup:actpass\r\n")
                .append("a=mid:").append(mid).append("\r\n")
                .append("a=").append(direction).append("\r\n")
                .append("a=rtcp-mux\r\n");
    }

    private static void ssrc(StringBuilder sdp, String direction, int ssrc) {
        if (direction.equals("sendonly") || direction.equals("sendrecv")) {
            sdp.append("a=ssrc:").append(ssrc).append(" cname:itest\r\n");
        }
    }

    private static String token(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder token = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            token.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return token.toString();
    }
}
