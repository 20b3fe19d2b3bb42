#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz tests (the *FuzzTest classes; see benchmarks/fuzz).

Each seed is a small valid file of the format its target reads; Jazzer mutates them. Findings
(crash-* files) that benchmarks/fuzz adds beside them are kept: this script only writes seed-*.
Needs numpy and onnx (pip install numpy onnx) and a JDK (for the JPEG seed). Run from the
repository root: python3 benchmarks/fuzz-seeds.py
"""
import io
import json
import os
import struct
import subprocess
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def put(module, pkg, cls, method, name, data):
    d = f"{module}/src/test/resources/dev/infercost/{pkg}/{cls}Inputs/{method}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/{name}", "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def trim(o, n=4):
    if isinstance(o, dict):
        return {k: trim(v, n) for k, v in o.items()}
    if isinstance(o, list):
        return [trim(v, n) for v in o[:n]]
    return o


def gate():
    d = json.load(open("benchmarks/ci-baseline.json"))
    d["reference"]["samples"] = d["reference"]["samples"][:6]
    d["entries"] = [trim(x) for x in d["entries"][:2]]
    bench = json.dumps(d, indent=1)
    put("gate", "gate", "ResultsReaderFuzzTest", "benchResults", "seed-bench", bench)
    d.pop("reference")
    put("gate", "gate", "ResultsReaderFuzzTest", "benchResults", "seed-noreference", json.dumps(d))
    def jmh(mode, unit, score, raw):
        return {"jmhVersion": "1.37", "benchmark": "dev.infercost.benchmarks.RunBench.run",
                "mode": mode, "threads": 1, "forks": len(raw),
                "params": {"model": "minilm-l6", "batch": "1"},
                "primaryMetric": {"score": score, "scoreError": 0.5, "scoreUnit": unit,
                                  "rawData": raw},
                "secondaryMetrics": {}}
    runs = [jmh("thrpt", "ops/s", 100.5, [[99.0, 101.0, 100.0], [100.5, 102.0, 98.0]]),
            jmh("avgt", "ms/op", 2.5, [[2.4, 2.6, 2.5]])]
    put("gate", "gate", "ResultsReaderFuzzTest", "jmhResults", "seed-jmh", json.dumps(runs, indent=1))
    # compare(FuzzedDataProvider): the baseline's length is read from the last bytes, the
    # baseline from the front, the results are the rest.
    b = bench.encode()
    n = len(b)
    put("gate", "gate", "ResultsReaderFuzzTest", "compare", "seed-bench-pair",
        b + b + bytes([n & 0xFF, (n >> 8) & 0xFF, (n >> 16) & 0xFF, 0]))


def cost():
    cat = json.load(open("cost/src/main/resources/dev/infercost/cost/catalog.json"))
    small = dict(cat)
    small["entries"] = cat["entries"][:2]
    put("cost", "cost", "CatalogFuzzTest", "catalog", "seed-two-entries", json.dumps(small, indent=1))
    gpu = [e for e in cat["entries"] if e.get("kind") != "cpu"][:1]
    put("cost", "cost", "CatalogFuzzTest", "catalog", "seed-gpu",
        json.dumps({"schema": 1, "entries": gpu}, indent=1))


def workflows():
    for name in ("ci", "example"):
        put("workflows", "workflows", "BenchSuiteFuzzTest", "suite", f"seed-{name}",
            open(f"benchmarks/suites/{name}.yaml").read())


def npy(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def png(w, h, color_type, rows):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg():
    src = """
import java.awt.image.BufferedImage;
public class Jpeg {
  public static void main(String[] a) throws Exception {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, x * 0x201000 + y * 0x20);
    javax.imageio.ImageIO.write(img, "jpg", new java.io.File(a[0]));
  }
}
"""
    with tempfile.TemporaryDirectory() as t:
        open(f"{t}/Jpeg.java", "w").write(src)
        subprocess.run(["java", f"{t}/Jpeg.java", f"{t}/i.jpg"], check=True)
        return open(f"{t}/i.jpg", "rb").read()


def profile():
    P = ("profile", "profile")
    put(*P, "TensorFilesFuzzTest", "npy", "seed-f32", npy(np.arange(6, dtype=np.float32).reshape(2, 3)))
    put(*P, "TensorFilesFuzzTest", "npy", "seed-i64", npy(np.array([1, 2, 3], dtype=np.int64)))
    put(*P, "TensorFilesFuzzTest", "npy", "seed-f16-scalar", npy(np.array(1.5, dtype=np.float16)))
    b = io.BytesIO()
    np.savez(b, x=np.ones((2, 4), np.float32), label=np.array([0, 1], np.int64))
    put(*P, "TensorFilesFuzzTest", "npz", "seed-stored", b.getvalue())
    b = io.BytesIO()
    np.savez_compressed(b, x=np.ones((2, 4), np.float32))
    put(*P, "TensorFilesFuzzTest", "npz", "seed-deflated", b.getvalue())
    put(*P, "EvalDataFuzzTest", "csv", "seed-labelled", "a,b,c,d,label\n1,2,3,4,0\n0.5,-1,2e3,4,1\n")
    put(*P, "EvalDataFuzzTest", "csv", "seed-plain", "a,b,c,d\n1,2,3,4\n")
    put(*P, "EvalDataFuzzTest", "text", "seed-sentences",
        "The cat sat on the mat.\nInference should be cheap.\n")
    tok = {"version": "1.0", "truncation": None, "padding": None,
           "added_tokens": [{"id": 0, "content": "[UNK]", "single_word": False, "lstrip": False,
                             "rstrip": False, "normalized": False, "special": True}],
           "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
           "post_processor": None, "decoder": None,
           "model": {"type": "WordLevel", "unk_token": "[UNK]",
                     "vocab": {"[UNK]": 0, "a": 1, "small": 2, "test": 3, "hello": 4, "world": 5,
                               ",": 6, "again": 7, "!": 8}}}
    put(*P, "EvalDataFuzzTest", "tokenizer", "seed-wordlevel", json.dumps(tok))
    # image(FuzzedDataProvider): the last byte picks PNG (even) or JPEG (odd).
    rgb = png(8, 8, 2, [bytes((x * 30 + y) % 256 for x in range(8) for _ in range(3)) for y in range(8)])
    gray = png(5, 7, 0, [bytes((x * 40 + y) % 256 for x in range(5)) for y in range(7)])
    put(*P, "EvalDataFuzzTest", "image", "seed-rgb-png", rgb + b"\x00")
    put(*P, "EvalDataFuzzTest", "image", "seed-gray-png", gray + b"\x00")
    put(*P, "EvalDataFuzzTest", "image", "seed-jpeg", jpeg() + b"\x01")
    # A header claiming 100000 x 100000 pixels over a few bytes of data: refused before decoding.
    put(*P, "EvalDataFuzzTest", "image", "seed-pixel-bomb", png(100_000, 100_000, 0, [b"\x00"]) + b"\x00")
    put(*P, "EvalDataFuzzTest", "imageLabels", "seed-labels", "file,label\np.png,0\nq.png,1\n")
    put(*P, "PreprocessingFuzzTest", "yaml", "seed-full",
        "size: [8, 8]\nresize: crop\nshorter_side: 10\npad: 0.5\nscale: 0.00392156862745098\n"
        "mean: [0.485, 0.456, 0.406]\nstd: [0.229, 0.224, 0.225]\nchannels: rgb\nlayout: nchw\n")
    put(*P, "PreprocessingFuzzTest", "yaml", "seed-empty", "")


def models():
    def model(nodes, inputs, outputs, inits=(), opset=13):
        g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=8)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, "W")
    bias = numpy_helper.from_array(np.array([0.5, -1, 2], np.float32), "B")
    seeds = {}
    seeds["matmul"] = model([helper.make_node("MatMul", ["x", "W"], ["h"], "mm"),
                             helper.make_node("Add", ["h", "B"], ["y"], "add")], [x], [y], [w, bias])
    ext = numpy_helper.from_array(np.zeros((4, 3), np.float32), "W")
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "w.bin"), ("offset", "0"), ("length", "48")):
        e = ext.external_data.add()
        e.key, e.value = k, v
    seeds["external"] = model([helper.make_node("MatMul", ["x", "W"], ["y"], "mm")], [x], [y], [ext])
    xi = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 6, 6])
    wc = numpy_helper.from_array(np.ones((4, 2, 3, 3), np.float32), "Wc")
    seeds["conv"] = model([helper.make_node("Conv", ["x", "Wc"], ["c"], "conv", pads=[1, 1, 1, 1], strides=[2, 2]),
                           helper.make_node("Relu", ["c"], ["r"]),
                           helper.make_node("GlobalAveragePool", ["r"], ["p"]),
                           helper.make_node("Flatten", ["p"], ["y"], axis=1)], [xi], [y], [wc])
    shape_chain = [helper.make_node("Shape", ["x"], ["s"]),
                   helper.make_node("Gather", ["s", "i0"], ["n"], axis=0),
                   helper.make_node("Concat", ["n", "m1"], ["t"], axis=0),
                   helper.make_node("Reshape", ["x", "t"], ["r"]),
                   helper.make_node("MatMul", ["r", "W"], ["y"])]
    seeds["shape-chain"] = model(shape_chain, [x], [y],
                                 [w, numpy_helper.from_array(np.array([0], np.int64), "i0"),
                                  numpy_helper.from_array(np.array([4], np.int64), "m1")])
    then = helper.make_graph([helper.make_node("Identity", ["x"], ["t_out"])], "then", [],
                             [helper.make_tensor_value_info("t_out", TensorProto.FLOAT, None)])
    els = helper.make_graph([helper.make_node("Neg", ["x"], ["e_out"])], "else", [],
                            [helper.make_tensor_value_info("e_out", TensorProto.FLOAT, None)])
    cond = helper.make_tensor_value_info("cond", TensorProto.BOOL, [])
    seeds["if"] = model([helper.make_node("If", ["cond"], ["y"], then_branch=then, else_branch=els)],
                        [cond, x], [y])
    k = helper.make_node("Constant", [], ["k"], value=numpy_helper.from_array(np.ones((4, 2), np.float32)))
    seeds["gemm-constant"] = model([k, helper.make_node("Gemm", ["x", "k"], ["y"], transB=0)], [
        helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 4])], [y])
    for name, m in seeds.items():
        data = m.SerializeToString()
        put("models", "models", "OnnxReaderFuzzTest", "model", f"seed-{name}", data)
        # modelAtShapes(FuzzedDataProvider): four "no shape" booleans at the end, then the model.
        put("models", "models", "OnnxReaderFuzzTest", "modelAtShapes", f"seed-{name}", data + b"\x00" * 4)


if __name__ == "__main__":
    gate()
    cost()
    workflows()
    profile()
    models()
