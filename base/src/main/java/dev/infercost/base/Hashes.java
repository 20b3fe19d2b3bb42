package dev.infercost.base;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests, as lower-case hex, for provenance: of a file's bytes or of bytes in memory. */
public final class Hashes {
  private Hashes() {}

  /** The SHA-256 of {@code bytes}, 64 lower-case hex digits. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** The SHA-256 of the bytes of {@code file}, read as a stream, 64 lower-case hex digits. */
  public static String sha256(Path file) throws InfercostException {
    MessageDigest md = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new InfercostException(file + ": cannot read: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * The SHA-256 of the bytes {@code content} writes, streamed (content over 2 GiB, which no array
   * holds, included), 64 lower-case hex digits.
   */
  public static String sha256(AtomicFiles.Writer content) throws IOException {
    MessageDigest md = sha256();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
      content.write(out);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
