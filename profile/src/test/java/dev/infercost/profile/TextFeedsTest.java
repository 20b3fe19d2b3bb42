package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each input of a text model gets per sentence: decoders exported with their position ids and
 * key/value cache (Optimum's names) took the token ids in every input, which indexed past the
 * position table or failed on the float cache.
 */
class TextFeedsTest {
  private static final String TOKENIZER =
      "{\"pre_tokenizer\": {\"type\": \"Whitespace\"},"
          + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"[UNK]\","
          + " \"vocab\": {\"[UNK]\": 0, \"hello\": 7, \"small\": 8, \"world\": 9}}}";

  @TempDir Path tmp;

  private static TensorSpec spec(String name, DType t, Dim... dims) {
    return new TensorSpec(name, t, List.of(dims), true);
  }

  private static final Dim BATCH = Dim.symbolic("batch_size");

  private EvalData load(List<TensorSpec> specs) throws Exception {
    Path tok = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
    Path text = Files.writeString(tmp.resolve("data.txt"), "hello small world\nworld\n");
    return EvalData.load(text, specs, Optional.of(tok));
  }

  private static Map<String, Tensor> first(EvalData d) {
    return d.batches().get(0).stream().collect(Collectors.toMap(Tensor::name, Function.identity()));
  }

  private static long[] longs(Tensor t) {
    long[] out = new long[(int) t.elementCount()];
    t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    return out;
  }

  @Test
  void aDecoderGetsPositionsAnEmptyCacheAndTheBranchWithoutIt() throws Exception {
    Dim seq = Dim.symbolic("sequence_length");
    List<TensorSpec> specs =
        List.of(
            spec("input_ids", DType.INT64, BATCH, seq),
            spec("attention_mask", DType.INT64, BATCH, Dim.symbolic("total_sequence_length")),
            spec("position_ids", DType.INT64, BATCH, seq),
            spec(
                "past_key_values.0.key",
                DType.FLOAT32,
                BATCH,
                Dim.fixed(4),
                Dim.symbolic("past_sequence_length"),
                Dim.fixed(16)),
            spec("use_cache_branch", DType.BOOL, Dim.fixed(1)));
    Map<String, Tensor> in = first(load(specs));
    assertArrayEquals(new long[] {7, 8, 9}, longs(in.get("input_ids")));
    assertArrayEquals(new long[] {1, 1, 1}, longs(in.get("attention_mask")));
    assertArrayEquals(new long[] {0, 1, 2}, longs(in.get("position_ids")));
    assertArrayEquals(new long[] {1, 4, 0, 16}, in.get("past_key_values.0.key").shape());
    assertEquals(0, in.get("past_key_values.0.key").elementCount());
    Tensor branch = in.get("use_cache_branch");
    assertEquals(DType.BOOL, branch.dtype());
    assertArrayEquals(new long[] {1}, branch.shape());
    assertEquals(0, branch.data().get(0));
  }

  @Test
  void int32IdsAreFedAsInt32() throws Exception {
    Map<String, Tensor> in =
        first(load(List.of(spec("ids", DType.INT32, BATCH, Dim.symbolic("n")))));
    Tensor ids = in.get("ids");
    assertEquals(DType.INT32, ids.dtype());
    assertEquals(9, ids.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(8));
  }

  @Test
  void aFloatInputThatIsNoCacheIsRefusedWithItsName() {
    List<TensorSpec> specs =
        List.of(
            spec("input_ids", DType.INT64, BATCH, Dim.symbolic("n")),
            spec("inputs_embeds", DType.FLOAT32, BATCH, Dim.symbolic("n"), Dim.fixed(8)));
    DataException e = assertThrows(DataException.class, () -> load(specs));
    assertTrue(e.getMessage().contains("input 'inputs_embeds'"), e.getMessage());
    assertTrue(e.getMessage().contains(".npz"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void cachePositionsOfRankOneAreFedFlat() throws Exception {
    Map<String, Tensor> in =
        first(
            load(
                List.of(
                    spec("input_ids", DType.INT64, BATCH, Dim.symbolic("n")),
                    spec("cache_position", DType.INT64, Dim.symbolic("n")))));
    assertArrayEquals(new long[] {3}, in.get("cache_position").shape());
    assertArrayEquals(new long[] {0, 1, 2}, longs(in.get("cache_position")));
  }

  @Test
  void integerInputsThatAreNoTokensAreRefused() {
    for (TensorSpec odd :
        List.of(
            spec("past_sequence_length", DType.INT64, Dim.fixed(1)),
            spec("num_logits_to_keep", DType.INT64),
            spec("input_ids_3d", DType.INT64, BATCH, Dim.symbolic("n"), Dim.fixed(2)))) {
      List<TensorSpec> specs =
          List.of(spec("input_ids", DType.INT64, BATCH, Dim.symbolic("n")), odd);
      DataException e = assertThrows(DataException.class, () -> load(specs));
      assertTrue(e.getMessage().contains("input '" + odd.name() + "'"), e.getMessage());
    }
  }

  @Test
  void aCacheWhoseLengthCannotBeToldIsRefused() {
    List<TensorSpec> specs =
        List.of(
            spec("input_ids", DType.INT64, BATCH, Dim.symbolic("n")),
            spec(
                "past_key",
                DType.FLOAT32,
                BATCH,
                Dim.symbolic("heads"),
                Dim.symbolic("past"),
                Dim.fixed(16)));
    DataException e = assertThrows(DataException.class, () -> load(specs));
    assertTrue(e.getMessage().contains("input 'past_key'"), e.getMessage());
  }
}
