package dev.infercost.profile.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.DataException;
import dev.infercost.profile.ProfileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Inputs}: shapes from specs and --shape, synthetic inputs, inputs from data. */
class InputsTest {
  private static final TensorSpec IDS =
      new TensorSpec(
          "input_ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("sequence")));
  private static final TensorSpec MASK =
      new TensorSpec(
          "attention_mask", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("sequence")));
  private static final TensorSpec TYPES =
      new TensorSpec(
          "token_type_ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("sequence")));
  private static final TensorSpec IMAGE =
      new TensorSpec(
          "input",
          DType.FLOAT32,
          List.of(Dim.symbolic("batch"), Dim.fixed(1), Dim.fixed(8), Dim.fixed(8)));

  @Test
  void symbolicDimsDefaultWithNotes() throws Exception {
    List<String> notes = new ArrayList<>();
    Map<String, long[]> s = Inputs.resolveShapes("m", List.of(IDS), Map.of(), null, notes::add);
    assertArrayEquals(new long[] {1, Inputs.DEFAULT_DIM}, s.get("input_ids"));
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.get(0).contains("input_ids"), notes.get(0));
    assertTrue(notes.get(0).contains("sequence"), notes.get(0));
  }

  @Test
  void batchOverridesOnlyASymbolicDimZero() throws Exception {
    Map<String, long[]> s = Inputs.resolveShapes("m", List.of(IMAGE), Map.of(), 16, n -> {});
    assertArrayEquals(new long[] {16, 1, 8, 8}, s.get("input"));
    TensorSpec fixedBatch = new TensorSpec("x", DType.FLOAT32, List.of(Dim.fixed(2), Dim.fixed(3)));
    assertArrayEquals(
        new long[] {2, 3},
        Inputs.resolveShapes("m", List.of(fixedBatch), Map.of(), 16, n -> {}).get("x"));
  }

  @Test
  void givenShapesArePinnedAndBatchStillApplies() throws Exception {
    Map<String, long[]> given = new LinkedHashMap<>();
    given.put("input_ids", new long[] {1, 32});
    given.put("attention_mask", new long[] {1, 32});
    List<String> notes = new ArrayList<>();
    Map<String, long[]> s =
        Inputs.resolveShapes("m", List.of(IDS, MASK, TYPES), given, 4, notes::add);
    assertArrayEquals(new long[] {4, 32}, s.get("input_ids"));
    assertArrayEquals(new long[] {4, 32}, s.get("attention_mask"));
    // token_type_ids is not pinned, but its dims share their names with the pinned ones.
    assertArrayEquals(new long[] {4, 32}, s.get("token_type_ids"));
    assertEquals(List.of(), notes);
    assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), List.copyOf(s.keySet()));
  }

  @Test
  void aNamedDimTakesOneSizeWherever() throws Exception {
    // Silero VAD: audio [batch, sequence], a scalar sample rate, LSTM state [2, batch, 64].
    TensorSpec audio =
        new TensorSpec(
            "input", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.symbolic("sequence")));
    TensorSpec rate = new TensorSpec("sr", DType.INT64, List.of(), true);
    TensorSpec state =
        new TensorSpec(
            "h", DType.FLOAT32, List.of(Dim.fixed(2), Dim.symbolic("batch"), Dim.fixed(64)));
    TensorSpec other =
        new TensorSpec("c", DType.FLOAT32, List.of(Dim.fixed(2), Dim.unknown(), Dim.fixed(64)));
    List<String> notes = new ArrayList<>();
    Map<String, long[]> s =
        Inputs.resolveShapes("m", List.of(audio, rate, state, other), Map.of(), null, notes::add);
    assertArrayEquals(new long[] {1, Inputs.DEFAULT_DIM}, s.get("input"));
    assertArrayEquals(new long[] {}, s.get("sr"));
    assertArrayEquals(new long[] {2, 1, 64}, s.get("h"));
    // An unnamed dim has nothing to follow.
    assertArrayEquals(new long[] {2, Inputs.DEFAULT_DIM, 64}, s.get("c"));
    assertEquals(2, notes.size(), notes.toString());
    Map<String, long[]> pinned = Map.of("input", new long[] {3, 512});
    s = Inputs.resolveShapes("m", List.of(audio, rate, state), pinned, null, n -> {});
    assertArrayEquals(new long[] {2, 3, 64}, s.get("h"));
    s = Inputs.resolveShapes("m", List.of(audio, rate, state), pinned, 8, n -> {});
    assertArrayEquals(new long[] {8, 512}, s.get("input"));
    assertArrayEquals(new long[] {2, 8, 64}, s.get("h"));
  }

  @Test
  void aKeyValueCacheIsEmptyUnlessGiven() throws Exception {
    TensorSpec past =
        new TensorSpec(
            "past_key_values.0.key",
            DType.FLOAT32,
            List.of(Dim.symbolic("batch"), Dim.fixed(4), Dim.symbolic("past"), Dim.fixed(16)));
    TensorSpec total =
        new TensorSpec(
            "attention_mask", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("total")));
    List<String> notes = new ArrayList<>();
    Map<String, long[]> s =
        Inputs.resolveShapes("m", List.of(IDS, total, past), Map.of(), 8, notes::add);
    assertArrayEquals(new long[] {8, Inputs.DEFAULT_DIM}, s.get("input_ids"));
    assertArrayEquals(new long[] {8, Inputs.DEFAULT_DIM}, s.get("attention_mask"));
    assertArrayEquals(new long[] {8, 4, 0, 16}, s.get("past_key_values.0.key"));
    assertTrue(notes.get(2).contains("using 0 (an empty key/value cache"), notes.toString());
    // A decode step as the user pins it.
    s =
        Inputs.resolveShapes(
            "m",
            List.of(IDS, total, past),
            Map.of(
                "input_ids", new long[] {1, 1},
                "attention_mask", new long[] {1, 6},
                "past_key_values.0.key", new long[] {1, 4, 5, 16}),
            null,
            n -> {});
    assertArrayEquals(new long[] {1, 4, 5, 16}, s.get("past_key_values.0.key"));
    // A seq2seq decoder's cross-attention cache holds the encoder's length: the default.
    TensorSpec cross =
        new TensorSpec(
            "past_key_values.0.encoder.key",
            DType.FLOAT32,
            List.of(Dim.symbolic("batch"), Dim.fixed(4), Dim.symbolic("enc"), Dim.fixed(16)));
    assertArrayEquals(
        new long[] {1, 4, Inputs.DEFAULT_DIM, 16},
        Inputs.resolveShapes("m", List.of(cross), Map.of(), null, n -> {})
            .get("past_key_values.0.encoder.key"));
    // A cache with two open dims cannot tell its length: both take the default.
    TensorSpec twoOpen =
        new TensorSpec(
            "cache",
            DType.FLOAT32,
            List.of(Dim.symbolic("batch"), Dim.symbolic("heads"), Dim.symbolic("past")));
    assertArrayEquals(
        new long[] {1, Inputs.DEFAULT_DIM, Inputs.DEFAULT_DIM},
        Inputs.resolveShapes("m", List.of(twoOpen), Map.of(), null, n -> {}).get("cache"));
    // Only the default makes a cache empty; a given shape has no empty dim.
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                Inputs.resolveShapes(
                    "m", List.of(IDS), Map.of("input_ids", new long[] {1, 0}), null, n -> {}));
    assertTrue(e.getMessage().contains("input 'input_ids' has a dim outside"), e.getMessage());
  }

  @Test
  void shapeErrorsNameTheInput() {
    ProfileException rank =
        assertThrows(
            ProfileException.class,
            () ->
                Inputs.resolveShapes(
                    "m.onnx", List.of(IMAGE), Map.of("input", new long[] {1, 64}), null, n -> {}));
    assertTrue(rank.getMessage().startsWith("m.onnx: "), rank.getMessage());
    assertTrue(rank.getMessage().contains("input=1x64"), rank.getMessage());
    ProfileException conflict =
        assertThrows(
            ProfileException.class,
            () ->
                Inputs.resolveShapes(
                    "m.onnx",
                    List.of(IMAGE),
                    Map.of("input", new long[] {1, 1, 8, 9}),
                    null,
                    n -> {}));
    assertTrue(conflict.getMessage().contains("dim 3"), conflict.getMessage());
    ProfileException unknown =
        assertThrows(
            ProfileException.class,
            () ->
                Inputs.resolveShapes(
                    "m.onnx", List.of(IMAGE), Map.of("img", new long[] {1}), null, n -> {}));
    assertTrue(unknown.getMessage().contains("'img'"), unknown.getMessage());
    assertEquals(Optional.of(Parameter.SHAPES), unknown.hint());
    ProfileException zero =
        assertThrows(
            ProfileException.class,
            () ->
                Inputs.resolveShapes(
                    "m.onnx", List.of(IDS), Map.of("input_ids", new long[] {1, 0}), null, n -> {}));
    assertTrue(zero.getMessage().contains("'input_ids'"), zero.getMessage());
  }

  @Test
  void inputWithoutDeclaredShapeNeedsAShape() throws Exception {
    TensorSpec bare = new TensorSpec("x", DType.FLOAT32, List.of());
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () -> Inputs.resolveShapes("m", List.of(bare), Map.of(), null, n -> {}));
    assertTrue(e.getMessage().contains("give its shape, e.g. x="), e.getMessage());
    assertEquals(Optional.of(Parameter.SHAPES), e.hint());
    assertArrayEquals(
        new long[] {2, 5},
        Inputs.resolveShapes("m", List.of(bare), Map.of("x", new long[] {2, 5}), null, n -> {})
            .get("x"));
  }

  @Test
  void synthesizedInputsAreDeterministicAndValid() {
    Map<String, long[]> shapes =
        Map.of(
            "input_ids", new long[] {2, 16},
            "attention_mask", new long[] {2, 16},
            "token_type_ids", new long[] {2, 16},
            "input", new long[] {3, 1, 8, 8});
    List<TensorSpec> specs = List.of(IDS, MASK, TYPES, IMAGE);
    Map<String, Long> limits = Map.of("input_ids", 30522L);
    List<Tensor> a = Inputs.synthesize(specs, shapes, limits);
    List<Tensor> b = Inputs.synthesize(specs, shapes, limits);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(specs.get(i).name(), a.get(i).name());
      assertEquals(specs.get(i).dtype(), a.get(i).dtype());
      assertArrayEquals(a.get(i).toFloats(), b.get(i).toFloats(), 0f, "deterministic");
    }
    float[] ids = a.get(0).toFloats();
    for (float v : ids) {
      assertTrue(v >= 0 && v < 30522, "id " + v);
    }
    assertTrue(distinct(ids) > 1, "ids vary");
    for (float v : a.get(1).toFloats()) {
      assertEquals(1f, v, 0f, "mask is ones");
    }
    for (float v : a.get(2).toFloats()) {
      assertEquals(0f, v, 0f, "type ids are zeros");
    }
    for (float v : a.get(3).toFloats()) {
      assertTrue(v >= 0 && v < 1, "float in [0,1): " + v);
    }
    assertArrayEquals(new long[] {3, 1, 8, 8}, a.get(3).shape());
  }

  private static long distinct(float[] v) {
    return java.util.stream.IntStream.range(0, v.length).mapToObj(i -> v[i]).distinct().count();
  }

  @Test
  void idLimitsComeFromEmbeddingTables() {
    TensorProto table =
        TensorProto.newBuilder()
            .setName("emb")
            .addDims(100)
            .addDims(4)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .build();
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setGraph(
                GraphProto.newBuilder()
                    .addInitializer(table)
                    .addNode(
                        NodeProto.newBuilder()
                            .setOpType("Gather")
                            .addInput("emb")
                            .addInput("ids")
                            .addOutput("e")))
            .build();
    assertEquals(Map.of("ids", 100L), Inputs.idLimits(OnnxModel.of(m)));
  }

  @Test
  void fromDataMatchesByNameAndTakesFirstRows() throws Exception {
    float[] rows = new float[5 * 64];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    Tensor input = Tensor.ofFloats("input", new long[] {5, 64}, rows);
    TensorSpec spec =
        new TensorSpec("input", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(64)));
    Map<String, Tensor> data = new LinkedHashMap<>();
    data.put("input", input);
    data.put("label", Tensor.ofLongs("label", new long[] {5}, new long[5]));
    List<Tensor> out = Inputs.fromData("d.npz", List.of(spec), data, 2);
    assertEquals(1, out.size());
    assertArrayEquals(new long[] {2, 64}, out.get(0).shape());
    assertArrayEquals(
        java.util.Arrays.copyOf(rows, 128), out.get(0).toFloats(), 0f, "the first two rows");
    assertArrayEquals(
        new long[] {5, 64}, Inputs.fromData("d.npz", List.of(spec), data, null).get(0).shape());
  }

  @Test
  void aSingleArrayFeedsASingleInputWhateverItsName() throws Exception {
    TensorSpec spec = new TensorSpec("x", DType.FLOAT32, List.of(Dim.symbolic("b"), Dim.fixed(2)));
    Tensor t = Tensor.ofFloats("arr_0", new long[] {1, 2}, new float[] {1, 2});
    List<Tensor> out = Inputs.fromData("d.npy", List.of(spec), Map.of("arr_0", t), null);
    assertEquals("x", out.get(0).name());
  }

  @Test
  void float32ArraysFeedAFloat16InputRoundedAndBack() throws Exception {
    List<Dim> dims = List.of(Dim.symbolic("b"), Dim.fixed(3));
    Tensor f32 = Tensor.ofFloats("x", new long[] {1, 3}, new float[] {0.1f, -2, 70000});
    Tensor half =
        Inputs.fromData(
                "d.npz", List.of(new TensorSpec("x", DType.FLOAT16, dims)), Map.of("x", f32), null)
            .get(0);
    assertEquals(DType.FLOAT16, half.dtype());
    assertArrayEquals(new float[] {0.0999755859375f, -2, 65504}, half.toFloats(), 0f);
    Tensor back =
        Inputs.fromData(
                "d.npz", List.of(new TensorSpec("x", DType.FLOAT32, dims)), Map.of("x", half), null)
            .get(0);
    assertEquals(DType.FLOAT32, back.dtype());
    assertArrayEquals(half.toFloats(), back.toFloats(), 0f, "exact");
  }

  @Test
  void fromDataErrorsNameTheFile() {
    TensorSpec spec =
        new TensorSpec("input", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(64)));
    Map<String, Tensor> wrongName =
        Map.of(
            "pixels", Tensor.ofFloats("pixels", new long[] {1, 64}, new float[64]),
            "label", Tensor.ofLongs("label", new long[] {1}, new long[1]));
    Map<String, Tensor> wrongType =
        Map.of("input", Tensor.ofLongs("input", new long[] {1, 64}, new long[64]));
    Map<String, Tensor> wrongRank =
        Map.of("input", Tensor.ofFloats("input", new long[] {64}, new float[64]));
    Map<String, Tensor> wrongDim =
        Map.of("input", Tensor.ofFloats("input", new long[] {1, 32}, new float[32]));
    for (Map<String, Tensor> data : List.of(wrongName, wrongType, wrongRank, wrongDim)) {
      DataException e =
          assertThrows(
              DataException.class, () -> Inputs.fromData("d.npz", List.of(spec), data, null));
      assertTrue(e.getMessage().startsWith("d.npz: "), e.getMessage());
    }
    DataException rows =
        assertThrows(
            DataException.class,
            () ->
                Inputs.fromData(
                    "d.npz",
                    List.of(spec),
                    Map.of("input", Tensor.ofFloats("input", new long[] {1, 64}, new float[64])),
                    2));
    assertTrue(rows.getMessage().contains("fewer than the batch of 2"), rows.getMessage());
  }

  @Test
  void renderJoinsWithX() {
    assertEquals("1x128", Inputs.render(new long[] {1, 128}));
    assertEquals("", Inputs.render(new long[0]));
  }

  private static final TensorSpec FIXED_BATCH =
      new TensorSpec(
          "input", DType.FLOAT32, List.of(Dim.fixed(1), Dim.fixed(1), Dim.fixed(8), Dim.fixed(8)));
  private static final TensorSpec SCALE = TensorSpec.scalar("scale", DType.FLOAT32);

  @Test
  void batchOnAModelWithAFixedBatchDimIsRefused() throws Exception {
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () -> Inputs.checkBatch("m.onnx", List.of(FIXED_BATCH), 4, n -> {}));
    assertTrue(e.getMessage().startsWith("m.onnx: batch size 4"), e.getMessage());
    assertEquals(Optional.of(Parameter.BATCHES), e.hint());
    assertTrue(e.getMessage().contains("'input'"), e.getMessage());
    assertTrue(e.getMessage().contains("fixed at 1"), e.getMessage());
    List<String> notes = new ArrayList<>();
    Inputs.checkBatch("m.onnx", List.of(FIXED_BATCH), 1, notes::add);
    assertEquals(List.of(), notes, "--batch 1 is the fixed batch");
    ProfileException scalars =
        assertThrows(
            ProfileException.class, () -> Inputs.checkBatch("m.onnx", List.of(SCALE), 2, n -> {}));
    assertTrue(scalars.getMessage().contains("scalar"), scalars.getMessage());
  }

  @Test
  void batchTakenBySomeInputsNotesTheFixedOnes() throws Exception {
    List<String> notes = new ArrayList<>();
    TensorSpec table = new TensorSpec("table", DType.FLOAT32, List.of(Dim.fixed(3), Dim.fixed(2)));
    Inputs.checkBatch("m", List.of(IMAGE, table, SCALE), 4, notes::add);
    assertEquals(1, notes.size(), notes.toString());
    assertTrue(notes.get(0).contains("'table'"), notes.get(0));
    Inputs.checkBatch("m", List.of(new TensorSpec("u", DType.FLOAT32, List.of())), 4, n -> {});
  }

  @Test
  void aScalarInputNeedsNoShapeAndTakesNoBatch() throws Exception {
    Map<String, long[]> s = Inputs.resolveShapes("m", List.of(IMAGE, SCALE), Map.of(), 3, n -> {});
    assertArrayEquals(new long[] {3, 1, 8, 8}, s.get("input"));
    assertArrayEquals(new long[0], s.get("scale"));
    List<Tensor> t = Inputs.synthesize(List.of(SCALE), s, Map.of());
    assertArrayEquals(new long[0], t.get(0).shape());
    assertEquals(1, t.get(0).toFloats().length);
    ProfileException e =
        assertThrows(
            ProfileException.class,
            () ->
                Inputs.resolveShapes(
                    "m", List.of(SCALE), Map.of("scale", new long[] {1}), null, n -> {}));
    assertTrue(e.getMessage().contains("scalar"), e.getMessage());
  }

  @Test
  void fromDataTakesAScalarWholeWhateverTheBatch() throws Exception {
    Map<String, Tensor> data = new LinkedHashMap<>();
    data.put("input", Tensor.ofFloats("input", new long[] {5, 1, 8, 8}, new float[5 * 64]));
    data.put("scale", Tensor.ofFloats("scale", new long[0], new float[] {2}));
    List<Tensor> out = Inputs.fromData("d.npz", List.of(IMAGE, SCALE), data, 2);
    assertArrayEquals(new long[] {2, 1, 8, 8}, out.get(0).shape());
    assertArrayEquals(new long[0], out.get(1).shape());
    data.put("scale", Tensor.ofFloats("scale", new long[] {1}, new float[] {2}));
    DataException e =
        assertThrows(
            DataException.class, () -> Inputs.fromData("d.npz", List.of(IMAGE, SCALE), data, null));
    assertTrue(e.getMessage().contains("'scale'"), e.getMessage());
  }

  @Test
  void forARunAFixedDimZeroTakesItsRowsOfLongerData() throws Exception {
    float[] rows = new float[3 * 64];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    Map<String, Tensor> data =
        Map.of("input", Tensor.ofFloats("input", new long[] {3, 1, 8, 8}, rows));
    for (Integer batch : java.util.Arrays.asList(null, 1)) {
      List<Tensor> out = Inputs.fromDataForRun("d.npz", List.of(FIXED_BATCH), data, batch);
      assertArrayEquals(new long[] {1, 1, 8, 8}, out.get(0).shape());
      assertArrayEquals(
          java.util.Arrays.copyOf(rows, 64), out.get(0).toFloats(), 0f, "the first row");
    }
    // Evaluation reads every row: a fixed dim 0 that the data does not match is refused there.
    DataException e =
        assertThrows(
            DataException.class, () -> Inputs.fromData("d.npz", List.of(FIXED_BATCH), data, null));
    assertTrue(e.getMessage().contains("[1,1,8,8]"), e.getMessage());
    // Too few rows for the fixed dim is still a shape error.
    TensorSpec fixedTwo =
        new TensorSpec("input", DType.FLOAT32, List.of(Dim.fixed(4), Dim.fixed(64)));
    Map<String, Tensor> three = Map.of("input", Tensor.ofFloats("input", new long[] {3, 64}, rows));
    assertThrows(
        DataException.class, () -> Inputs.fromDataForRun("d.npz", List.of(fixedTwo), three, null));
  }
}
