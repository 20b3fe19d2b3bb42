package dev.infercost.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks on files a user names as input. A FIFO, socket or device would block a reader forever or
 * stream without end, so every reader refuses anything but a regular file (links are followed).
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Refuses {@code file} unless it is a regular file (after links), with a one-line message naming
   * it; folders are left to the caller, which may accept them.
   *
   * @throws InfercostException naming the file and what it is instead
   */
  public static void requireRegular(Path file) throws InfercostException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return; // Missing or unreadable: the reader's own checks say so in its words.
    }
    if (a.isOther()) {
      throw new InfercostException(
          file
              + ": is not a regular file (a FIFO, socket or device), which would never end or"
              + " block the read; pass a file");
    }
  }
}
