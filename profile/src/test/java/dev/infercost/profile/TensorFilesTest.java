package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.BuiltinModel;
import dev.infercost.models.DType;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TensorFiles#read} on the bundled data and on hand-written .npy/.npz files. */
class TensorFilesTest {
  @TempDir Path tmp;

  static Path bundledTestData(String model) throws Exception {
    BuiltinModel b = Models.builtin(model).orElseThrow();
    return Models.builtinFile(b, b.testDataResource().orElseThrow());
  }

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(tmp.resolve(name), bytes);
  }

  private static DataException refused(Path file) {
    DataException e = assertThrows(DataException.class, () -> TensorFiles.read(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  @Test
  void bundledCnnTestData() throws Exception {
    Map<String, Tensor> arrays = TensorFiles.read(bundledTestData("digits-cnn"));
    assertEquals(List.of("input", "label"), List.copyOf(arrays.keySet()));
    Tensor input = arrays.get("input");
    assertEquals("input", input.name());
    assertEquals(DType.FLOAT32, input.dtype());
    assertArrayEquals(new long[] {450, 1, 8, 8}, input.shape());
    Tensor label = arrays.get("label");
    assertEquals(DType.INT64, label.dtype());
    assertArrayEquals(new long[] {450}, label.shape());
    float[] pixels = input.toFloats();
    for (float p : pixels) {
      assertTrue(p >= 0 && p <= 1, "pixels are scaled to [0,1]: " + p);
    }
    int[] perClass = new int[10];
    for (float l : label.toFloats()) {
      perClass[(int) l]++;
    }
    for (int c = 0; c < 10; c++) {
      assertTrue(perClass[c] >= 40 && perClass[c] <= 50, "stratified split, class " + c);
    }
  }

  @Test
  void bundledMlpTestDataHoldsTheSameRows() throws Exception {
    Map<String, Tensor> cnn = TensorFiles.read(bundledTestData("digits-cnn"));
    Map<String, Tensor> mlp = TensorFiles.read(bundledTestData("digits-mlp"));
    assertArrayEquals(new long[] {450, 64}, mlp.get("input").shape());
    assertArrayEquals(cnn.get("input").toFloats(), mlp.get("input").toFloats(), 0f, "exact");
    assertArrayEquals(cnn.get("label").toFloats(), mlp.get("label").toFloats(), 0f, "exact");
  }

  @Test
  void float32Npy() throws Exception {
    Path f =
        write("x.npy", Npy.v1(Npy.header("<f4", false, 2, 3), Npy.floats(1, 2, 3, 4.5f, -5, 0)));
    Map<String, Tensor> m = TensorFiles.read(f);
    assertEquals(List.of("x"), List.copyOf(m.keySet()));
    Tensor t = m.get("x");
    assertEquals("x", t.name());
    assertEquals(DType.FLOAT32, t.dtype());
    assertArrayEquals(new long[] {2, 3}, t.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4.5f, -5, 0}, t.toFloats(), 0f, "exact");
  }

  @Test
  void int64Npy() throws Exception {
    Path f = write("ids.npy", Npy.v1(Npy.header("<i8", false, 4), Npy.longs(0, 1, -7, 1L << 40)));
    Tensor t = TensorFiles.read(f).get("ids");
    assertEquals(DType.INT64, t.dtype());
    assertArrayEquals(new long[] {4}, t.shape());
    ByteBuffer b = t.data();
    assertEquals(1L << 40, b.getLong(24));
    assertEquals(-7L, b.getLong(16));
  }

  @Test
  void int32Npy() throws Exception {
    Path f = write("m.npy", Npy.v1(Npy.header("<i4", false, 1, 3), Npy.ints(1, 0, -3)));
    Tensor t = TensorFiles.read(f).get("m");
    assertEquals(DType.INT32, t.dtype());
    assertArrayEquals(new long[] {1, 3}, t.shape());
    assertArrayEquals(new float[] {1, 0, -3}, t.toFloats(), 0f, "exact");
  }

  @Test
  void boolNpy() throws Exception {
    Path f = write("mask.npy", Npy.v1(Npy.header("|b1", false, 3), new byte[] {1, 0, 1}));
    Tensor t = TensorFiles.read(f).get("mask");
    assertEquals(DType.BOOL, t.dtype());
    assertArrayEquals(new float[] {1, 0, 1}, t.toFloats(), 0f, "exact");
  }

  @Test
  void otherSupportedDtypes() throws Exception {
    assertEquals(
        DType.FLOAT64,
        TensorFiles.read(write("d.npy", Npy.v1(Npy.header("<f8", false, 1), new byte[8])))
            .get("d")
            .dtype());
    assertEquals(
        DType.FLOAT16,
        TensorFiles.read(write("h.npy", Npy.v1(Npy.header("<f2", false, 1), new byte[2])))
            .get("h")
            .dtype());
    assertEquals(
        DType.UINT8,
        TensorFiles.read(write("u.npy", Npy.v1(Npy.header("|u1", false, 1), new byte[1])))
            .get("u")
            .dtype());
    assertEquals(
        DType.INT8,
        TensorFiles.read(write("i.npy", Npy.v1(Npy.header("|i1", false, 1), new byte[1])))
            .get("i")
            .dtype());
    assertEquals(
        DType.INT16,
        TensorFiles.read(write("s.npy", Npy.v1(Npy.header("<i2", false, 1), new byte[2])))
            .get("s")
            .dtype());
  }

  @Test
  void scalarNpy() throws Exception {
    Path f =
        write(
            "s.npy",
            Npy.v1("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Npy.floats(7)));
    Tensor t = TensorFiles.read(f).get("s");
    assertArrayEquals(new long[0], t.shape());
    assertArrayEquals(new float[] {7}, t.toFloats(), 0f, "exact");
  }

  @Test
  void version2Header() throws Exception {
    Path f = write("v2.npy", Npy.v2(Npy.header("<f4", false, 2), Npy.floats(1, 2)));
    assertArrayEquals(new float[] {1, 2}, TensorFiles.read(f).get("v2").toFloats(), 0f, "exact");
  }

  @Test
  void headerKeysInAnyOrder() throws Exception {
    Path f =
        write(
            "k.npy",
            Npy.v1("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", Npy.floats(3, 4)));
    assertArrayEquals(new float[] {3, 4}, TensorFiles.read(f).get("k").toFloats(), 0f, "exact");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void npzKeepsEntryOrderAndNames(boolean deflate) throws Exception {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("input_ids", Npy.v1(Npy.header("<i8", false, 1, 2), Npy.longs(5, 6)));
    arrays.put("attention_mask", Npy.v1(Npy.header("<i8", false, 1, 2), Npy.longs(1, 1)));
    Path f = Npy.npz(tmp.resolve("in.npz"), arrays, deflate);
    Map<String, Tensor> m = TensorFiles.read(f);
    assertEquals(List.of("input_ids", "attention_mask"), List.copyOf(m.keySet()));
    assertEquals("attention_mask", m.get("attention_mask").name());
    assertArrayEquals(new float[] {5, 6}, m.get("input_ids").toFloats(), 0f, "exact");
  }

  // ---------------------------------------------------------------- errors

  @Test
  void emptyFile() throws Exception {
    DataException e = refused(write("empty.npy", new byte[0]));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }

  @Test
  void unknownExtension() throws Exception {
    DataException e = refused(write("data.csv", "1,2,3\n".getBytes()));
    assertTrue(e.getMessage().contains(".npy"), e.getMessage());
  }

  @Test
  void wrongMagic() throws Exception {
    byte[] b = Npy.v1(Npy.header("<f4", false, 1), Npy.floats(1));
    b[1] = 'X';
    refused(write("bad.npy", b));
  }

  @Test
  void fortranOrder() throws Exception {
    DataException e =
        refused(write("f.npy", Npy.v1(Npy.header("<f4", true, 2, 2), Npy.floats(1, 2, 3, 4))));
    assertTrue(e.getMessage().contains("Fortran"), e.getMessage());
  }

  @Test
  void truncatedData() throws Exception {
    DataException e =
        refused(write("t.npy", Npy.v1(Npy.header("<f4", false, 2, 3), Npy.floats(1, 2, 3))));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void unsupportedComplexDtype() throws Exception {
    DataException e = refused(write("c.npy", Npy.v1(Npy.header("<c8", false, 1), new byte[8])));
    assertTrue(e.getMessage().contains("<c8"), e.getMessage());
  }

  @Test
  void bigEndian() throws Exception {
    DataException e = refused(write("be.npy", Npy.v1(Npy.header(">f4", false, 1), new byte[4])));
    assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
  }

  @Test
  void malformedHeader() throws Exception {
    refused(write("m.npy", Npy.v1("{'descr': '<f4'}", Npy.floats(1))));
  }

  @Test
  void directory() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("arrays.npz"));
    DataException e = refused(d);
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
  }

  @Test
  void missingFile() {
    refused(tmp.resolve("nope.npz"));
  }

  @Test
  void npzThatIsNoZip() throws Exception {
    refused(write("fake.npz", Npy.v1(Npy.header("<f4", false, 1), Npy.floats(1))));
  }

  @Test
  void npzWithoutArrays() throws Exception {
    refused(Npy.npz(tmp.resolve("none.npz"), Map.of(), false));
  }

  @Test
  void npzWithABadEntryNamesTheEntry() throws Exception {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("good", Npy.v1(Npy.header("<f4", false, 1), Npy.floats(1)));
    arrays.put("bad", Npy.v1(Npy.header("<c16", false, 1), new byte[16]));
    DataException e = refused(Npy.npz(tmp.resolve("mixed.npz"), arrays, false));
    assertTrue(e.getMessage().contains("'bad'"), e.getMessage());
  }

  // Malformed files below once made the reader throw unchecked exceptions; each is a DataException.

  @Test
  void truncatedPreamble() throws Exception {
    refused(write("p.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}));
  }

  @Test
  void nonNumericShape() throws Exception {
    refused(
        write(
            "s.npy",
            Npy.v1("{'descr': '<f4', 'fortran_order': False, 'shape': (x,), }", Npy.floats(1))));
  }

  @Test
  void negativeShape() throws Exception {
    refused(write("n.npy", Npy.v1(Npy.header("<f4", false, -1), Npy.floats(1))));
  }

  @Test
  void overflowingShape() throws Exception {
    refused(write("o.npy", Npy.v1(Npy.header("<f4", false, 1L << 32, 1L << 32), Npy.floats(1))));
  }

  @Test
  void hugeVersion2HeaderLength() throws Exception {
    byte[] b = Npy.v2(Npy.header("<f4", false, 1), Npy.floats(1));
    b[8] = (byte) 0xff;
    b[9] = (byte) 0xff;
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    refused(write("h.npy", b));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, 255})
  void unknownVersionIsRefused(int major) throws Exception {
    byte[] b = Npy.v2(Npy.header("<f4", false, 1), Npy.floats(1));
    b[6] = (byte) major;
    DataException e = refused(write("v.npy", b));
    assertTrue(e.getMessage().contains("version " + major + ".0"), e.getMessage());
  }

  @Test
  void version3HeaderIsUtf8() throws Exception {
    String header = Npy.header("<f4", false, 2).replace("}", "'note': 'é', }");
    byte[] latin = Npy.v2(header, Npy.floats(1, 2));
    // Same layout with the header re-encoded: 'é' takes two bytes in UTF-8.
    String text = new String(latin, 12, latin.length - 12 - 8, StandardCharsets.ISO_8859_1);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(12 + utf8.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put(latin, 0, 8).putInt(utf8.length).put(utf8).put(Npy.floats(1, 2));
    byte[] v3 = b.array();
    v3[6] = 3;
    Path f = write("v3.npy", v3);
    assertArrayEquals(new float[] {1, 2}, TensorFiles.read(f).get("v3").toFloats(), 0f, "exact");
  }

  @ParameterizedTest
  @ValueSource(strings = {">i1", ">u1", ">b1", "|i1", "|u1", "|b1"})
  void byteOrderOfSingleBytesDoesNotMatter(String descr) throws Exception {
    Path f = write("b.npy", Npy.v1(Npy.header(descr, false, 3), new byte[] {1, 0, 1}));
    Tensor t = TensorFiles.read(f).get("b");
    DType expected =
        switch (descr.charAt(1)) {
          case 'i' -> DType.INT8;
          case 'u' -> DType.UINT8;
          default -> DType.BOOL;
        };
    assertEquals(expected, t.dtype());
    assertArrayEquals(new long[] {3}, t.shape());
  }

  @ParameterizedTest
  @ValueSource(strings = {">i2", ">i4", ">i8", ">f2", ">f8"})
  void multiByteBigEndianIsRefused(String descr) throws Exception {
    DataException e = refused(write("be.npy", Npy.v1(Npy.header(descr, false, 1), new byte[8])));
    assertTrue(e.getMessage().contains("big-endian"), e.getMessage());
  }

  @Test
  void shapeWithAnEmptyDimIsRefused() throws Exception {
    refused(
        write(
            "e.npy",
            Npy.v1("{'descr': '<f4', 'fortran_order': False, 'shape': (1,,2), }", Npy.floats(1))));
  }

  @Test
  void headerCutShortIsRefused() throws Exception {
    byte[] b = Npy.v1(Npy.header("<f4", false, 1), Npy.floats(1));
    DataException e = refused(write("cut.npy", java.util.Arrays.copyOf(b, 30)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void npzEntryNameWithALineBreakGivesAOneLineMessage() throws Exception {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("bad\nname", Npy.v1(Npy.header("<c16", false, 1), new byte[16]));
    DataException e = refused(Npy.npz(tmp.resolve("nl.npz"), arrays, false));
    assertTrue(e.getMessage().contains("'bad\\nname'"), e.getMessage());
  }
}
