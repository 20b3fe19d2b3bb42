package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashesTest {
  @TempDir Path tmp;

  /** FIPS 180-2 test vector. */
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void bytesAndFileGiveTheKnownDigest() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    assertEquals(ABC, Hashes.sha256(abc));
    assertEquals(ABC, Hashes.sha256(Files.write(tmp.resolve("abc.txt"), abc)));
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Hashes.sha256(new byte[0]));
  }

  @Test
  void streamedContentGivesTheSameDigestAsItsBytes() throws Exception {
    assertEquals(
        ABC,
        Hashes.sha256(
            out -> {
              out.write('a');
              out.write("bc".getBytes(StandardCharsets.US_ASCII));
            }));
  }

  @Test
  void aMissingFileIsAOneLineError() {
    Path f = tmp.resolve("nope.bin");
    InfercostException e = assertThrows(InfercostException.class, () -> Hashes.sha256(f));
    assertTrue(e.getMessage().startsWith(f + ": cannot read: "), e.getMessage());
  }
}
