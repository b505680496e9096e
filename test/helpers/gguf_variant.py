"""Degraded variants of a GGUF model, made from a shipped one (never committed as binaries).

  python gguf_variant.py quantize SRC DST TYPE        # TYPE: a llama_ftype name such as Q4_0, Q2_K, Q3_K_S
  python gguf_variant.py noise SRC DST REGEX SCALE SEED

quantize: llama.cpp's own quantizer (llama_model_quantize, the llama-quantize tool's library call), through
llama-cpp-python's bindings. noise: copies SRC and adds Gaussian noise of SCALE times each tensor's own
standard deviation to the F16/F32 tensors whose name matches REGEX (e.g. "blk\\.3\\.ffn_.*"), seeded, using
the gguf package's reader on the copy (memory-mapped in place: the file layout stays byte for byte).
"""

import ctypes
import re
import shutil
import sys


def quantize(src: str, dst: str, type_name: str) -> None:
    import llama_cpp

    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{type_name}", None)
    if ftype is None:
        sys.exit(f"unknown quantization type {type_name}: expected a llama_ftype name such as Q4_0, Q2_K")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params))
    if rc != 0:
        sys.exit(f"llama_model_quantize {src} -> {dst} ({type_name}) failed with {rc}")


def noise(src: str, dst: str, pattern: str, scale: float, seed: int) -> None:
    import numpy as np
    from gguf import GGMLQuantizationType, GGUFReader

    shutil.copyfile(src, dst)
    reader = GGUFReader(dst, "r+")
    rng = np.random.default_rng(seed)
    hit = 0
    for t in reader.tensors:
        if not re.fullmatch(pattern, t.name):
            continue
        if t.tensor_type not in (GGMLQuantizationType.F16, GGMLQuantizationType.F32):
            sys.exit(f"{t.name} is {t.tensor_type.name}: noise needs an F16 or F32 tensor")
        data = t.data
        values = data.astype(np.float32)
        values += rng.standard_normal(values.shape, dtype=np.float32) * (scale * float(values.std()))
        data[...] = values.astype(data.dtype)
        hit += 1
    if hit == 0:
        sys.exit(f"no tensor of {src} matches {pattern}")
    reader.data.flush()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "quantize" and len(args) == 3:
        quantize(*args)
    elif cmd == "noise" and len(args) == 5:
        noise(args[0], args[1], args[2], float(args[3]), int(args[4]))
    else:
        sys.exit(__doc__)
