package io.edamame.testing.kurento.impl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The bytes of a fake recording: the container's magic header (WebM's EBML or MP4's ftyp box, after the media
 * profile or the file extension) padded to a small fixed size. Enough for code that checks a recording exists,
 * is not empty and looks like the container it asked for.
 */
final class FakeRecording {

  static final int SIZE = 4096;

  private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};

  private FakeRecording() {
  }

  static byte[] contentFor(String uri, String mediaProfile) {
    String profile = mediaProfile == null ? "" : mediaProfile.toUpperCase(Locale.ROOT);
    String path = uri.toLowerCase(Locale.ROOT);
    boolean mp4 = profile.startsWith("MP4") || (profile.isEmpty() && path.endsWith(".mp4"));
    byte[] content = new byte[SIZE];
    Arrays.fill(content, (byte) 0);
    if (mp4) {
      byte[] ftyp = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p',
          '4', '1'};
      System.arraycopy(ftyp, 0, content, 0, ftyp.length);
    } else {
      System.arraycopy(EBML_MAGIC, 0, content, 0, EBML_MAGIC.length);
      byte[] docType = "webm".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(docType, 0, content, 8, docType.length);
    }
    return content;
  }
}
