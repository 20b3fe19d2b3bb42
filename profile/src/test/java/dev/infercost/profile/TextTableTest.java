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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labelled sentences and sentence pairs, as a text classifier, an NLI model or a cross-encoder is
 * evaluated: CSV, TSV and JSON Lines with a text column, an optional second text and a label given
 * as a class index or a class name.
 */
class TextTableTest {
  private static final String TOKENIZER =
      "{\"pre_tokenizer\": {\"type\": \"Whitespace\"},"
          + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"[UNK]\","
          + " \"vocab\": {\"[UNK]\": 0, \",\": 1, \"good\": 2, \"bad\": 3, \"film\": 4,"
          + " \"\\\"\": 5, \"a\": 6, \"b\": 7}}}";

  private static final Dim BATCH = Dim.symbolic("batch");
  private static final Dim SEQ = Dim.symbolic("sequence");
  private static final List<TensorSpec> ENCODER =
      List.of(
          new TensorSpec("input_ids", DType.INT64, List.of(BATCH, SEQ), true),
          new TensorSpec("attention_mask", DType.INT64, List.of(BATCH, SEQ), true),
          new TensorSpec("token_type_ids", DType.INT64, List.of(BATCH, SEQ), true));

  @TempDir Path tmp;

  private EvalData load(String file, String content) throws Exception {
    Path tok = Files.writeString(tmp.resolve("tokenizer.json"), TOKENIZER);
    return EvalData.load(Files.writeString(tmp.resolve(file), content), ENCODER, Optional.of(tok));
  }

  private DataException fails(String file, String content) {
    DataException e = assertThrows(DataException.class, () -> load(file, content));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().startsWith(tmp.resolve(file).toString()), e.getMessage());
    return e;
  }

  private static long[] input(EvalData d, int sample, String name) {
    Tensor t =
        d.batches().get(sample).stream().filter(x -> x.name().equals(name)).findFirst().get();
    long[] out = new long[(int) t.elementCount()];
    t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    return out;
  }

  @Test
  void csvCellsMayQuoteCommasQuotesAndLineBreaksAndLabelsAreClassNames() throws Exception {
    Files.writeString(tmp.resolve("classes.txt"), "negative\npositive\n");
    EvalData d =
        load(
            "reviews.csv",
            "id,text,label\n"
                + "1,\"good, good film\",positive\n"
                + "2,\"a \"\"bad\"\"\nfilm\",NEGATIVE\r\n"
                + "\n"
                + "3,film,1\n");
    assertEquals(3, d.samples());
    assertArrayEquals(new long[] {1, 0, 1}, d.labels());
    assertArrayEquals(new long[] {2, 1, 2, 4}, input(d, 0, "input_ids"));
    assertArrayEquals(new long[] {6, 5, 3, 5, 4}, input(d, 1, "input_ids"));
    assertArrayEquals(new long[] {4}, input(d, 2, "input_ids"));
  }

  @Test
  void aTsvWithASecondTextFeedsPairsWithTheirTokenTypes() throws Exception {
    EvalData d = load("pairs.tsv", "sentence1\tsentence2\tlabel\ngood film\tbad\t0\na\tb b\t2\n");
    assertArrayEquals(new long[] {0, 2}, d.labels());
    assertArrayEquals(new long[] {2, 4, 3}, input(d, 0, "input_ids"));
    assertArrayEquals(new long[] {0, 0, 1}, input(d, 0, "token_type_ids"));
    assertArrayEquals(new long[] {6, 7, 7}, input(d, 1, "input_ids"));
    assertArrayEquals(new long[] {0, 1, 1}, input(d, 1, "token_type_ids"));
  }

  @Test
  void aTsvQuotesOnlyWholeCellsAsPandasWritesThem() throws Exception {
    EvalData d =
        load("glue.tsv", "text\tlabel\n\"good\" film\t1\n\"\"\"bad\"\" film\"\t0\n\" a b\t1\n");
    assertArrayEquals(new long[] {5, 2, 5, 4}, input(d, 0, "input_ids"));
    assertArrayEquals(new long[] {5, 3, 5, 4}, input(d, 1, "input_ids"));
    assertArrayEquals(new long[] {5, 6, 7}, input(d, 2, "input_ids"));
  }

  @Test
  void jsonLinesTakeTheLabelNamesOfTheConfigBesideTheTokenizer() throws Exception {
    Files.writeString(
        tmp.resolve("config.json"), "{\"id2label\": {\"0\": \"NEGATIVE\", \"1\": \"POSITIVE\"}}");
    EvalData d =
        load(
            "reviews.jsonl",
            "{\"text\": \"good film\", \"label\": \"positive\"}\n\n"
                + "{\"label\": 0, \"text\": \"bad\", \"idx\": [1]}\n");
    assertArrayEquals(new long[] {1, 0}, d.labels());
    assertArrayEquals(new long[] {3}, input(d, 1, "input_ids"));
  }

  @Test
  void unlabelledRowsAreSentencesAndANumericCsvStaysNumeric() throws Exception {
    EvalData d = load("plain.jsonl", "{\"query\": \"a\", \"passage\": \"b\"}\n");
    assertEquals(0, d.labels().length);
    assertArrayEquals(new long[] {0, 1}, input(d, 0, "token_type_ids"));
    TensorSpec x = new TensorSpec("x", DType.FLOAT32, List.of(BATCH, Dim.fixed(2)), true);
    Path numbers = Files.writeString(tmp.resolve("numbers.csv"), "a,b,label\n1,2,0\n");
    EvalData n = EvalData.load(numbers, List.of(x), Optional.empty());
    assertArrayEquals(new long[] {0}, n.labels());
  }

  @Test
  void badTablesAreRefusedInOneLineNamingTheFileTheLineAndTheFix() throws Exception {
    assertTrue(fails("n.csv", "text,label\ngood,positive\n").getMessage().contains("classes.txt"));
    assertTrue(fails("r.csv", "text,label\ngood, film,1\n").getMessage().contains("quote"));
    assertTrue(fails("q.csv", "text,label\n\"good,1\n").getMessage().contains("never closed"));
    assertTrue(fails("h.tsv", "review\tlabel\ngood\t1\n").getMessage().contains("sentence1"));
    assertTrue(fails("e.tsv", "text\tlabel\ngood\t\n").getMessage().contains("line 2"));
    assertTrue(fails("o.jsonl", "[\"good\"]\n").getMessage().contains("line 1"));
    assertTrue(
        fails("m.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\"}\n")
            .getMessage()
            .contains("line 2 has no label"));
    assertTrue(
        fails("p.jsonl", "{\"query\": \"a\", \"passage\": \"b\"}\n{\"query\": \"c\"}\n")
            .getMessage()
            .contains("line 2 has no second text"));
    assertTrue(
        fails(
                "z.jsonl",
                "{\"query\": \"a\", \"passage\": null}\n{\"query\": \"c\", \"passage\": \"d\"}\n")
            .getMessage()
            .contains("line 2 has a second text"));
    assertTrue(
        fails("t.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \n")
            .getMessage()
            .contains("line 2, column"));
    Files.writeString(tmp.resolve("classes.txt"), "negative\npositive\n");
    assertTrue(
        fails("u.csv", "text,label\ngood,neutral\n")
            .getMessage()
            .contains("'neutral' is not a class in " + tmp.resolve("classes.txt")));
  }
}
