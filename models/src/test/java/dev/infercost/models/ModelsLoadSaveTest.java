package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Models#loadOnnx} and {@link Models#saveOnnx} on good files and bad destinations. */
class ModelsLoadSaveTest {
  @TempDir Path tmp;

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A private copy of the bundled fixture, so that a failing refusal cannot touch the cache. */
  private Path fixtureCopy() throws Exception {
    Path src = Models.resolve("digits-cnn", ModelFormat.ONNX);
    Path dir = Files.createDirectories(tmp.resolve("in"));
    return Files.copy(src, dir.resolve("digits-cnn.onnx"));
  }

  static void assertOneLineNaming(Path file, Exception e) {
    String m = e.getMessage();
    assertTrue(m.contains(file.toString()), () -> "message does not name " + file + ": " + m);
    assertFalse(m.contains("\n"), () -> "message is not one line: " + m);
    assertFalse(m.contains("\r"), () -> "message is not one line: " + m);
  }

  @Test
  void fixtureLoadsWithItsFacts() throws Exception {
    Path file = Models.resolve("digits-cnn", ModelFormat.ONNX);
    OnnxModel m = Models.loadOnnx(file);
    assertEquals(Optional.of(file), m.source());
    assertEquals(Files.size(file), m.fileBytes());
    assertEquals(file.toString(), m.displayName());
    assertEquals(13, m.proto().getOpsetImport(0).getVersion());
    assertEquals("input", m.proto().getGraph().getInput(0).getName());
    assertEquals("logits", m.proto().getGraph().getOutput(0).getName());
    assertEquals(ModelFormat.ONNX, Models.formatOf(file));
  }

  @Test
  void fixtureSavesByteIdentically() throws Exception {
    Path file = Models.resolve("digits-cnn", ModelFormat.ONNX);
    OnnxModel m = Models.loadOnnx(file);
    Path out = tmp.resolve("copy.onnx");
    Models.saveOnnx(m, out);
    assertEquals(-1L, Files.mismatch(file, out));
    assertEquals(List.of("copy.onnx"), listing(tmp), "no temporary file is left behind");
  }

  @Test
  void savedModelReloadsAndRunsTheSame() throws Exception {
    OnnxModel m = OnnxModel.of(TestModels.matmulAdd());
    Path out = tmp.resolve("mm.onnx");
    Models.saveOnnx(m, out);
    OnnxModel back = Models.loadOnnx(out);
    assertEquals(m.proto(), back.proto());
    float[] x = {1, 2, 3, 4};
    assertArrayEquals(
        TestModels.matmulAddReference(x),
        TestModels.runOrt(out, "x", new long[] {1, 4}, x),
        1e-5f,
        "tolerance 1e-5");
  }

  @Test
  void saveReplacesAnExistingOtherFile() throws Exception {
    Path out = tmp.resolve("target.onnx");
    Files.writeString(out, "old content");
    Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), out);
    assertArrayEquals(TestModels.matmulAdd().toByteArray(), Files.readAllBytes(out));
    assertEquals(List.of("target.onnx"), listing(tmp));
  }

  @Test
  void saveToARelativePathWorks() throws Exception {
    // A bare file name has no parent; it must resolve against the working directory. Use a unique
    // name under target/ (the working directory of surefire is the module directory).
    Path dir = Path.of("target");
    assumeTrue(Files.isDirectory(dir), "needs the module's target/ directory");
    Path rel = dir.resolve("saved-relative-" + ProcessHandle.current().pid() + ".onnx");
    try {
      Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), rel);
      assertArrayEquals(TestModels.matmulAdd().toByteArray(), Files.readAllBytes(rel));
    } finally {
      Files.deleteIfExists(rel);
    }
  }

  @Test
  void savingOverTheInputIsRefusedAndLeavesItUnchanged() throws Exception {
    Path in = fixtureCopy();
    String before = sha256(in);
    OnnxModel m = Models.loadOnnx(in);
    OnnxModel changed = m.withProto(m.proto().toBuilder().setProducerName("changed").build());
    ModelException e = assertThrows(ModelException.class, () -> Models.saveOnnx(changed, in));
    assertOneLineNaming(in, e);
    assertEquals(before, sha256(in));
    assertEquals(List.of("digits-cnn.onnx"), listing(in.getParent()));
  }

  @Test
  void savingOverTheInputThroughAnotherSpellingIsRefused() throws Exception {
    Path in = fixtureCopy();
    String before = sha256(in);
    OnnxModel m = Models.loadOnnx(in);
    Path dotted =
        in.getParent().resolve(".").resolve("..").resolve("in").resolve("digits-cnn.onnx");
    assertThrows(ModelException.class, () -> Models.saveOnnx(m, dotted));
    Path link = Files.createSymbolicLink(tmp.resolve("link.onnx"), in);
    assertThrows(ModelException.class, () -> Models.saveOnnx(m, link));
    assertEquals(before, sha256(in));
    assertTrue(Files.isSymbolicLink(link));
  }

  @Test
  void savingIntoAMissingDirectoryFailsAndWritesNothing() throws Exception {
    Path out = tmp.resolve("no-such-dir").resolve("m.onnx");
    ModelException e =
        assertThrows(
            ModelException.class, () -> Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), out));
    assertOneLineNaming(out, e);
    assertFalse(Files.exists(out.getParent()));
    assertEquals(List.of(), listing(tmp));
  }

  @Test
  void savingUnderARegularFileFailsAndWritesNothing() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain.txt"), "not a directory");
    Path out = file.resolve("m.onnx");
    ModelException e =
        assertThrows(
            ModelException.class, () -> Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), out));
    assertOneLineNaming(out, e);
    assertEquals(List.of("plain.txt"), listing(tmp));
    assertEquals("not a directory", Files.readString(file));
  }

  @Test
  void savingOntoADirectoryFailsAndLeavesNoTemporaryFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("out.onnx"));
    Files.writeString(dir.resolve("keep.txt"), "x");
    ModelException e =
        assertThrows(
            ModelException.class, () -> Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), dir));
    assertOneLineNaming(dir, e);
    assertEquals(List.of("out.onnx"), listing(tmp));
    assertEquals(List.of("keep.txt"), listing(dir));
  }

  @Test
  void savingIntoAReadOnlyDirectoryFailsAndWritesNothing() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ro"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(dir), "permissions are not enforced (running as root?)");
      Path out = dir.resolve("m.onnx");
      ModelException e =
          assertThrows(
              ModelException.class,
              () -> Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), out));
      assertOneLineNaming(out, e);
      assertEquals(List.of(), listing(dir));
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void savedFileGetsTheUsualPermissions() throws Exception {
    Path reference = Files.createFile(tmp.resolve("reference"));
    Path out = tmp.resolve("saved.onnx");
    Models.saveOnnx(OnnxModel.of(TestModels.matmulAdd()), out);
    assertEquals(
        Files.getPosixFilePermissions(reference),
        Files.getPosixFilePermissions(out),
        "a new file should get the same mode as any other new file in its directory");
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
    Models.saveOnnx(OnnxModel.of(TestModels.conv()), out);
    assertEquals(
        "rw-r--r--",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(out)),
        "replacing a file should keep its mode");
  }

  @Test
  void inMemoryModelHasNoSource() {
    OnnxModel m = OnnxModel.of(TestModels.matmulAdd());
    assertEquals(Optional.empty(), m.source());
    assertEquals(0, m.fileBytes());
    assertEquals("<memory>", m.displayName());
  }

  @Test
  void withProtoKeepsTheSource() throws Exception {
    Path in = fixtureCopy();
    OnnxModel m = Models.loadOnnx(in);
    OnnxModel r = m.withProto(TestModels.matmulAdd());
    assertEquals(Optional.of(in), r.source());
    assertEquals(TestModels.matmulAdd(), r.proto());
  }

  @Test
  void onnxModelRequiresProtoAndSource() {
    assertThrows(IllegalArgumentException.class, () -> new OnnxModel(null, Optional.empty(), 0));
    assertThrows(
        IllegalArgumentException.class, () -> new OnnxModel(TestModels.matmulAdd(), null, 0));
  }

  @Test
  void ortLoadsTheFixture() throws OrtException, ModelException {
    Path file = Models.resolve("digits-cnn", ModelFormat.ONNX);
    float[] y = TestModels.runOrt(file, "input", new long[] {1, 1, 8, 8}, new float[64]);
    assertEquals(10, y.length);
  }
}
