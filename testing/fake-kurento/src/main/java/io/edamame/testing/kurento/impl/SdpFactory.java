package io.edamame.testing.kurento.impl;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.edamame.testing.kurento.KurentoError;

/**
 * Just enough SDP for signaling code to work with: offers are checked for the shape a parser needs, answers
 * mirror the offer's m-lines with the matching direction, and carry the ICE and DTLS attributes a browser
 * expects (made-up credentials and fingerprint; no media will ever flow).
 */
final class SdpFactory {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ADDRESS = "127.0.0.1";

  /** One m-section of a parsed SDP: its m-line and the attribute lines under it. */
  record MediaSection(String media, String port, String proto, List<String> formats, List<String> attributes) {

    String attribute(String name) {
      String prefix = "a=" + name + ":";
      for (String line : attributes) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length());
        }
      }
      return null;
    }

    boolean hasFlag(String name) {
      return attributes.contains("a=" + name);
    }

    String direction() {
      for (String direction : List.of("sendrecv", "sendonly", "recvonly", "inactive")) {
        if (hasFlag(direction)) {
          return direction;
        }
      }
      return "sendrecv";
    }

    boolean rejected() {
      return "0".equals(port);
    }
  }

  /** A parsed SDP: session-level lines and the m-sections. */
  record Sdp(List<String> sessionLines, List<MediaSection> sections) {

    String sessionAttribute(String name) {
      String prefix = "a=" + name + ":";
      for (String line : sessionLines) {
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length());
        }
      }
      return null;
    }
  }

  private SdpFactory() {
  }

  /**
   * Parses an offer or answer as KMS's GStreamer SDP parser would refuse it: empty text, a first line other than
   * {@code v=0}, or no m-line at all are SDP_PARSE_ERROR.
   */
  static Sdp parse(String sdp, String what) {
    if (sdp == null || sdp.isBlank()) {
      throw KmsException.of(KurentoError.SDP_PARSE_ERROR, "Empty " + what + " not valid");
    }
    String[] lines = sdp.split("\r?\n");
    if (!lines[0].trim().equals("v=0")) {
      throw KmsException.of(KurentoError.SDP_PARSE_ERROR, "Error parsing SDP: it must start with v=0");
    }
    List<String> sessionLines = new ArrayList<>();
    List<MediaSection> sections = new ArrayList<>();
    List<String> current = null;
    String[] mLine = null;
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty()) {
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != '=') {
        throw KmsException.of(KurentoError.SDP_PARSE_ERROR, "Error parsing SDP: bad line '" + line + "'");
      }
      if (line.startsWith("m=")) {
        if (mLine != null) {
          sections.add(section(mLine, current));
        }
        mLine = line.substring(2).split(" ");
        if (mLine.length < 4) {
          throw KmsException.of(KurentoError.SDP_PARSE_ERROR, "Error parsing SDP: bad m-line '" + line + "'");
        }
        current = new ArrayList<>();
      } else if (current != null) {
        current.add(line);
      } else {
        sessionLines.add(line);
      }
    }
    if (mLine == null) {
      throw KmsException.of(KurentoError.SDP_PARSE_ERROR, "Error parsing SDP: no media (m=) line");
    }
    sections.add(section(mLine, current));
    return new Sdp(sessionLines, sections);
  }

  private static MediaSection section(String[] mLine, List<String> attributes) {
    List<String> formats = List.of(mLine).subList(3, mLine.length);
    return new MediaSection(mLine[0], mLine[1], mLine[2], formats, List.copyOf(attributes));
  }

  /**
   * The answer to an offer: the same m-lines in the same order (rejected ones stay rejected), each with the
   * offered codecs, the mid, and a direction that follows the offer and the endpoint's recvonly/sendonly mode.
   */
  static String answer(Sdp offer, boolean endpointRecvOnly, boolean endpointSendOnly) {
    StringBuilder sdp = header();
    String bundle = offer.sessionAttribute("group");
    if (bundle != null) {
      sdp.append("a=group:").append(bundle).append("\r\n");
    }
    sdp.append("a=msid-semantic: WMS fakekms\r\n");
    IceCredentials ice = IceCredentials.random();
    for (MediaSection offered : offer.sections()) {
      boolean application = offered.media().equals("application");
      String port = offered.rejected() ? "0" : "9";
      sdp.append("m=").append(offered.media()).append(' ').append(port).append(' ').append(offered.proto());
      for (String format : offered.formats()) {
        sdp.append(' ').append(format);
      }
      sdp.append("\r\nc=IN IP4 ").append(ADDRESS).append("\r\n");
      for (String line : offered.attributes()) {
        if (line.startsWith("a=mid:") || line.startsWith("a=rtpmap:") || line.startsWith("a=fmtp:")
            || line.startsWith("a=rtcp-fb:") || line.startsWith("a=sctp-port:") || line.startsWith("a=sctpmap:")
            || line.startsWith("a=max-message-size:") || line.equals("a=rtcp-mux") || line.equals("a=rtcp-rsize")) {
          sdp.append(line).append("\r\n");
        }
      }
      String direction = "inactive";
      if (!application && !offered.rejected()) {
        String offeredDirection = offered.direction();
        boolean weSend = !endpointRecvOnly
            && (offeredDirection.equals("sendrecv") || offeredDirection.equals("recvonly"));
        boolean weReceive = !endpointSendOnly
            && (offeredDirection.equals("sendrecv") || offeredDirection.equals("sendonly"));
        direction = weSend && weReceive ? "sendrecv" : weSend ? "sendonly" : weReceive ? "recvonly" : "inactive";
      }
      if (!application) {
        sdp.append("a=").append(direction).append("\r\n");
      }
      ice.appendTo(sdp, answerSetup(offered.attribute("setup")));
      if (!application && (direction.equals("sendrecv") || direction.equals("sendonly"))) {
        sdp.append("a=ssrc:").append(Integer.toUnsignedString(RANDOM.nextInt())).append(" cname:fakekms\r\n");
      }
    }
    return sdp.toString();
  }

  /** An offer with audio and video (as asked) and, for endpoints made with useDataChannels, a data channel. */
  static String offer(boolean audio, boolean video, boolean dataChannels, boolean recvOnly, boolean sendOnly) {
    StringBuilder sdp = header();
    List<String> mids = new ArrayList<>();
    if (audio) {
      mids.add("0");
    }
    if (video) {
      mids.add(Integer.toString(mids.size()));
    }
    if (dataChannels) {
      mids.add(Integer.toString(mids.size()));
    }
    if (!mids.isEmpty()) {
      sdp.append("a=group:BUNDLE ").append(String.join(" ", mids)).append("\r\n");
    }
    sdp.append("a=msid-semantic: WMS fakekms\r\n");
    String direction = recvOnly ? "recvonly" : sendOnly ? "sendonly" : "sendrecv";
    IceCredentials ice = IceCredentials.random();
    int mid = 0;
    if (audio) {
      sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 ").append(ADDRESS).append("\r\n")
          .append("a=mid:").append(mid++).append("\r\n")
          .append("a=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\n")
          .append("a=").append(direction).append("\r\n");
      ice.appendTo(sdp, "actpass");
    }
    if (video) {
      sdp.append("m=video 9 UDP/TLS/RTP/SAVPF 96 102\r\nc=IN IP4 ").append(ADDRESS).append("\r\n")
          .append("a=mid:").append(mid++).append("\r\n")
          .append("a=rtpmap:96 VP8/90000\r\na=rtpmap:102 H264/90000\r\n")
          .append("a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n")
          .append("a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-mux\r\n")
          .append("a=").append(direction).append("\r\n");
      ice.appendTo(sdp, "actpass");
    }
    if (dataChannels) {
      sdp.append("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 ").append(ADDRESS).append("\r\n")
          .append("a=mid:").append(mid).append("\r\na=sctp-port:5000\r\n");
      ice.appendTo(sdp, "actpass");
    }
    return sdp.toString();
  }

  /** Host and server-reflexive candidates for each m-section that is not rejected, as IceCandidateFound carries. */
  record Candidate(String candidate, String sdpMid, int sdpMLineIndex) {
  }

  static List<Candidate> candidates(Sdp local) {
    List<Candidate> candidates = new ArrayList<>();
    int foundation = 1;
    for (int index = 0; index < local.sections().size(); index++) {
      MediaSection section = local.sections().get(index);
      if (section.rejected()) {
        continue;
      }
      String mid = section.attribute("mid") != null ? section.attribute("mid") : Integer.toString(index);
      int port = 40000 + RANDOM.nextInt(20000);
      candidates.add(new Candidate("candidate:" + foundation++ + " 1 UDP 2015363327 " + ADDRESS + " " + port
          + " typ host", mid, index));
      // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never a real address.
      candidates.add(new Candidate("candidate:" + foundation++ + " 1 UDP 1679819007 203.0.113.7 " + port
          + " typ srflx raddr " + ADDRESS + " rport " + port, mid, index));
    }
    return candidates;
  }

  private static StringBuilder header() {
    StringBuilder sdp = new StringBuilder(1024);
    long sessionId = Math.abs(RANDOM.nextLong() % 1_000_000_000_000L);
    sdp.append("v=0\r\n")
        .append("o=- ").append(sessionId).append(" 2 IN IP4 ").append(ADDRESS).append("\r\n")
        .append("s=Kurento Media Server\r\n")
        .append("t=0 0\r\n");
    return sdp;
  }

  /** RFC 5763: an actpass offer is answered active; an active one passive, and the reverse. */
  private static String answerSetup(String offeredSetup) {
    if (offeredSetup == null) {
      return "active";
    }
    return switch (offeredSetup.toLowerCase(Locale.ROOT)) {
      case "active" -> "passive";
      case "passive" -> "active";
      default -> "active";
    };
  }

  /** Made-up ICE credentials and DTLS fingerprint, the same for all m-sections of one description (BUNDLE). */
  private record IceCredentials(String ufrag, String pwd, String fingerprint) {

    static IceCredentials random() {
      StringBuilder fingerprint = new StringBuilder();
      byte[] digest = new byte[32];
      RANDOM.nextBytes(digest);
      for (int i = 0; i < digest.length; i++) {
        if (i > 0) {
          fingerprint.append(':');
        }
        fingerprint.append(String.format(Locale.ROOT, "%02X", digest[i] & 0xFF));
      }
      return new IceCredentials(token(4), token(24), fingerprint.toString());
    }

    void appendTo(StringBuilder sdp, String setup) {
      sdp.append("a=ice-ufrag:").append(ufrag).append("\r\n")
          .append("a=ice-pwd:").append(pwd).append("\r\n")
          .append("a=fingerprint:sha-256 ").append(fingerprint).append("\r\n")
          .append("a=setup:").append(setup).append("\r\n");
    }

    private static String token(int length) {
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      StringBuilder token = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        token.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
      }
      return token.toString();
    }
  }
}
