package io.edamame.bench.media;

/**
 * SDP offers shaped as a desktop browser writes them (bundled audio and video, ICE and DTLS attributes,
 * Opus, VP8 and H.264 with their RTX): the host's, which sends, and a viewer's, which only receives.
 * About the size of a real one, so that the server parses and forwards realistic frames. The same
 * text for every viewer: the fake media server does not care, nor does the platform.
 */
final class Sdp {

    private Sdp() {
    }

    static String publishOffer() {
        return offer("sendonly");
    }

    static String subscribeOffer() {
        return offer("recvonly");
    }

    private static String offer(String direction) {
        String ice = "a=ice-ufrag:Xb2q\r\n"
                + "a=ice-pwd:9fAHkQd1tGm8PqVx2Lr0sYcW\r\n"
                + "a=ice-options:trickle\r\n"
                + "a=fingerprint:sha-256 4A:1F:9C:22:7E:B0:3D:58:C1:0E:96:AA:41:7B:2C:DE:53:88:F0:19:6A:BD:07:E4:"
                + "91:3C:5F:A2:68:D7:0B:E6\r\n"
                + "a=setup:actpass\r\n";
        return "v=0\r\n"
                + "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "t=0 0\r\n"
                + "a=group:BUNDLE 0 1\r\n"
                + "a=extmap-allow-mixed\r\n"
                + "a=msid-semantic: WMS\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
                + "c=IN IP4 0.0.0.0\r\n"
                + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
                + ice
                + "a=mid:0\r\n"
                + "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                + "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
                + "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
                + "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                + "a=" + direction + "\r\n"
                + "a=rtcp-mux\r\n"
                + "a=rtcp-rsize\r\n"
                + "a=rtpmap:111 opus/48000/2\r\n"
                + "a=rtcp-fb:111 transport-cc\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "a=rtpmap:63 red/48000/2\r\n"
                + "a=fmtp:63 111/111\r\n"
                + "a=rtpmap:9 G722/8000\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:13 CN/8000\r\n"
                + "a=rtpmap:110 telephone-event/48000\r\n"
                + "a=rtpmap:126 telephone-event/8000\r\n"
                + ssrc("audio", 1001, direction)
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46\r\n"
                + "c=IN IP4 0.0.0.0\r\n"
                + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
                + ice
                + "a=mid:1\r\n"
                + "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
                + "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
                + "a=extmap:13 urn:3gpp:video-orientation\r\n"
                + "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
                + "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                + "a=" + direction + "\r\n"
                + "a=rtcp-mux\r\n"
                + "a=rtcp-rsize\r\n"
                + "a=rtpmap:96 VP8/90000\r\n"
                + "a=rtcp-fb:96 goog-remb\r\n"
                + "a=rtcp-fb:96 transport-cc\r\n"
                + "a=rtcp-fb:96 ccm fir\r\n"
                + "a=rtcp-fb:96 nack\r\n"
                + "a=rtcp-fb:96 nack pli\r\n"
                + "a=rtpmap:97 rtx/90000\r\n"
                + "a=fmtp:97 apt=96\r\n"
                + "a=rtpmap:102 H264/90000\r\n"
                + "a=rtcp-fb:102 goog-remb\r\n"
                + "a=rtcp-fb:102 transport-cc\r\n"
                + "a=rtcp-fb:102 ccm fir\r\n"
                + "a=rtcp-fb:102 nack\r\n"
                + "a=rtcp-fb:102 nack pli\r\n"
                + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
                + "a=rtpmap:103 rtx/90000\r\n"
                + "a=fmtp:103 apt=102\r\n"
                + "a=rtpmap:45 AV1/90000\r\n"
                + "a=rtcp-fb:45 goog-remb\r\n"
                + "a=rtcp-fb:45 transport-cc\r\n"
                + "a=rtcp-fb:45 nack\r\n"
                + "a=rtpmap:46 rtx/90000\r\n"
                + "a=fmtp:46 apt=45\r\n"
                + ssrc("video", 2002, direction);
    }

    /** A sender's stream identifiers; a receive-only section has none. */
    private static String ssrc(String media, int ssrc, String direction) {
        if (!direction.equals("sendonly")) {
            return "";
        }
        return "a=msid:bench-stream bench-" + media + "\r\n"
                + "a=ssrc:" + ssrc + " cname:benchCname0001\r\n"
                + "a=ssrc:" + ssrc + " msid:bench-stream bench-" + media + "\r\n";
    }
}
