package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batching of {@link EvalData}: a model whose inputs fix dim 0 (exported with batch 1, as tf2onnx
 * does) gets batches of that size from a file or folder of many samples; other models get batches
 * of {@link EvalData#BATCH}.
 */
class EvalDataTest {
  @TempDir Path tmp;

  private static TensorSpec vector(Dim batch) {
    return new TensorSpec("x", DType.FLOAT32, List.of(batch, Dim.fixed(2)));
  }

  private Path threeRows() throws Exception {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("x", Npy.v1(Npy.header("<f4", false, 3, 2), Npy.floats(0, 1, 2, 3, 4, 5)));
    arrays.put("label", Npy.v1(Npy.header("<i8", false, 3), Npy.longs(7, 8, 9)));
    return Npy.npz(tmp.resolve("d.npz"), arrays, false);
  }

  @Test
  void aFixedBatchOfOneSplitsArraysIntoSingleSamples() throws Exception {
    EvalData d = EvalData.load(threeRows(), List.of(vector(Dim.fixed(1))), Optional.empty());
    assertEquals(3, d.batches().size());
    assertEquals(3, d.samples());
    for (int i = 0; i < 3; i++) {
      var t = d.batches().get(i).get(0);
      assertArrayEquals(new long[] {1, 2}, t.shape());
      assertArrayEquals(new float[] {2 * i, 2 * i + 1}, t.toFloats(), 0f, "row " + i);
    }
    assertArrayEquals(new long[] {7, 8, 9}, d.labels());
    // drop() keeps the labels of the remaining batches aligned.
    assertArrayEquals(new long[] {8, 9}, d.drop(1).labels());
  }

  @Test
  void anOpenBatchDimKeepsTheDefaultBatches() throws Exception {
    EvalData d = EvalData.load(threeRows(), List.of(vector(Dim.symbolic("N"))), Optional.empty());
    assertEquals(1, d.batches().size());
    assertArrayEquals(new long[] {3, 2}, d.batches().get(0).get(0).shape());
  }

  @Test
  void samplesThatDoNotFillTheFixedBatchAreRefused() throws Exception {
    DataException e =
        assertThrows(
            DataException.class,
            () -> EvalData.load(threeRows(), List.of(vector(Dim.fixed(2))), Optional.empty()));
    assertTrue(e.getMessage().contains("3 samples"), e.getMessage());
    assertTrue(e.getMessage().contains("multiple of 2"), e.getMessage());
  }

  @Test
  void csvRowsFollowTheFixedBatch() throws Exception {
    Path csv = tmp.resolve("d.csv");
    Files.writeString(csv, "a,b,label\n0,1,0\n2,3,1\n");
    EvalData d = EvalData.load(csv, List.of(vector(Dim.fixed(1))), Optional.empty());
    assertEquals(2, d.batches().size());
    assertArrayEquals(new float[] {2, 3}, d.batches().get(1).get(0).toFloats(), 0f);
  }

  @Test
  void imageFoldersFollowTheFixedBatch() throws Exception {
    Path dir = tmp.resolve("images");
    for (int i = 0; i < 3; i++) {
      ImageFolderTest.png(dir.resolve(i + ".png"), ImageFolderTest.random(4, 4, i));
    }
    TensorSpec spec =
        new TensorSpec(
            "image",
            DType.FLOAT32,
            List.of(Dim.fixed(1), Dim.fixed(4), Dim.fixed(4), Dim.fixed(3)));
    EvalData d = EvalData.load(dir, List.of(spec), Optional.empty());
    assertEquals(3, d.batches().size());
    assertArrayEquals(new long[] {1, 4, 4, 3}, d.batches().get(2).get(0).shape());
    // The same pixels as one batch of three from an open batch dim, sample by sample.
    TensorSpec open =
        new TensorSpec(
            "image",
            DType.FLOAT32,
            List.of(Dim.symbolic("N"), Dim.fixed(4), Dim.fixed(4), Dim.fixed(3)));
    float[] all =
        EvalData.load(dir, List.of(open), Optional.empty()).batches().get(0).get(0).toFloats();
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(
          Arrays.copyOfRange(all, i * 48, (i + 1) * 48),
          d.batches().get(i).get(0).toFloats(),
          0f,
          "image " + i);
    }
    TensorSpec two =
        new TensorSpec(
            "image",
            DType.FLOAT32,
            List.of(Dim.fixed(2), Dim.fixed(4), Dim.fixed(4), Dim.fixed(3)));
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                EvalData.load(
                    dir,
                    List.of(two),
                    Optional.empty(),
                    Optional.empty(),
                    Parameter.CALIBRATION_DATA));
    assertEquals(Optional.of(Parameter.CALIBRATION_DATA), e.hint(), e.getMessage());
  }

  private Path rows(String name, byte[] x, long n, byte[] labels, String labelType)
      throws Exception {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("x", Npy.v1(Npy.header("<f4", false, n, 2), x));
    if (labels != null) {
      arrays.put("label", Npy.v1(Npy.header(labelType, false, n), labels));
    }
    return Npy.npz(tmp.resolve(name), arrays, false);
  }

  private static DataException refused(Path data) {
    return assertThrows(
        DataException.class,
        () ->
            EvalData.load(
                data,
                List.of(vector(Dim.symbolic("N"))),
                Optional.empty(),
                Optional.empty(),
                Parameter.CALIBRATION_DATA));
  }

  @Test
  void dataThatWouldBeSilentlyMismeasuredIsRefused() throws Exception {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      DataException e = refused(rows("nan.npz", Npy.floats(0, 1, bad, 3), 2, null, null));
      assertTrue(e.getMessage().contains("'x' holds NaN or infinite values"), e.getMessage());
      assertEquals(Optional.of(Parameter.CALIBRATION_DATA), e.hint());
    }
    DataException empty = refused(rows("empty.npz", new byte[0], 0, null, null));
    assertTrue(empty.getMessage().contains("holds no samples"), empty.getMessage());
    DataException fractional =
        refused(rows("frac.npz", Npy.floats(0, 1, 2, 3), 2, Npy.floats(1, 1.5f), "<f4"));
    assertTrue(fractional.getMessage().contains("not a whole number"), fractional.getMessage());
    DataException negative =
        refused(rows("neg.npz", Npy.floats(0, 1, 2, 3), 2, Npy.longs(1, -2), "<i8"));
    assertTrue(negative.getMessage().contains("label -2 is negative"), negative.getMessage());
    Path csv = tmp.resolve("neg.csv");
    Files.writeString(csv, "a,b,label\n0,1,-1\n");
    assertTrue(refused(csv).getMessage().contains("label -1 is negative"));
  }

  /** Silero VAD's inputs: audio [batch, sequence], a scalar sample rate, state [2, batch, 4]. */
  private static final List<TensorSpec> VAD =
      List.of(
          new TensorSpec(
              "input", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.symbolic("sequence"))),
          new TensorSpec("sr", DType.INT64, List.of(), true),
          new TensorSpec(
              "h", DType.FLOAT32, List.of(Dim.fixed(2), Dim.symbolic("batch"), Dim.fixed(4))));

  private Path call(Path dir, String name, int batch, int length, long[] labels) throws Exception {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put(
        "input",
        Npy.v1(Npy.header("<f4", false, batch, length), Npy.floats(new float[batch * length])));
    arrays.put("sr", Npy.v1(Npy.header("<i8", false), Npy.longs(16000)));
    arrays.put(
        "h", Npy.v1(Npy.header("<f4", false, 2, batch, 4), Npy.floats(new float[2 * batch * 4])));
    if (labels != null) {
      arrays.put("label", Npy.v1(Npy.header("<i8", false, labels.length), Npy.longs(labels)));
    }
    Files.createDirectories(dir);
    return Npy.npz(dir.resolve(name), arrays, false);
  }

  @Test
  void aFolderOfWholeCallsIsFedCallByCall() throws Exception {
    Path dir = tmp.resolve("calls");
    call(dir, "a.npz", 1, 512, new long[] {1});
    call(dir, "b.npz", 2, 256, new long[] {0, 1});
    EvalData d = EvalData.load(dir, VAD, Optional.empty());
    assertEquals(2, d.batches().size());
    assertEquals(3, d.samples());
    assertArrayEquals(new long[] {1, 0, 1}, d.labels());
    List<long[]> second = d.batches().get(1).stream().map(t -> t.shape()).toList();
    assertArrayEquals(new long[] {2, 256}, second.get(0));
    assertArrayEquals(new long[] {}, second.get(1));
    assertArrayEquals(new long[] {2, 2, 4}, second.get(2));
    assertEquals(16000L, d.batches().get(1).get(1).data().getLong(0));
    assertEquals(1, d.drop(1).batches().size());
    assertArrayEquals(new long[] {0, 1}, d.drop(1).labels());
  }

  @Test
  void wholeCallsAreCheckedFileByFile() throws Exception {
    Path dir = tmp.resolve("half-labelled");
    call(dir, "a.npz", 1, 8, new long[] {1});
    call(dir, "b.npz", 1, 8, null);
    DataException e =
        assertThrows(DataException.class, () -> EvalData.load(dir, VAD, Optional.empty()));
    assertTrue(e.getMessage().contains("b.npz: has no 'label' array"), e.getMessage());
    Path wrong = tmp.resolve("wrong");
    call(wrong, "a.npz", 1, 8, null);
    call(wrong, "b.npz", 2, 8, new long[] {1, 1}); // a label where the first file has none
    e = assertThrows(DataException.class, () -> EvalData.load(wrong, VAD, Optional.empty()));
    assertTrue(e.getMessage().contains("b.npz: has a 'label' array"), e.getMessage());
  }

  @Test
  void aScalarInOneFileOfManySamplesSaysHowToGiveIt() throws Exception {
    Path one = call(tmp, "all.npz", 3, 8, null);
    DataException e =
        assertThrows(DataException.class, () -> EvalData.load(one, VAD, Optional.empty()));
    assertTrue(e.getMessage().contains("'sr' has shape []"), e.getMessage());
    assertTrue(e.getMessage().contains("one .npz per call in a folder"), e.getMessage());
  }
}
