#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from tests/fixtures (and, for
formats tests/fixtures has no file of, small files built here by hand). Run from
the repository root; scripts/fuzz.sh runs it when a corpus is missing.
Multi-file inputs are joined with the separator of fuzz/fuzz_util.h."""
import gzip, json, os, struct, zlib

SEP = b"\n#~#\n"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "fixtures")


def put(target, name, data):
    d = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npy(dtype, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join("%d, " % s for s in shape) if len(shape) != 1 else "%d," % shape[0])
    header = header.encode()
    pad = 64 - (10 + len(header) + 1) % 64
    header += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def dataset():
    tiny = open(os.path.join(DATA, "dataset", "tiny_llava.json"), "rb").read()
    put("dataset", "tiny_llava", b"\x00" + tiny)
    put("dataset", "tiny_llava_collect", b"\x01" + tiny)
    put("dataset", "numbers", b"\x01" + b'[{"id": 1e5, "image": "x/1.jpg", "conversations": '
        b'[{"from": "human", "value": "<image>\\nq\\u00e9"}, {"from": "gpt", "value": "a"}]}, '
        b'{"id": -0, "task_name": "t", "conversations": []}, {"id": 1e5, "image": "x/1.jpg"}]')


def safetensors():
    def st(header, payload):
        h = json.dumps(header).encode()
        h += b" " * ((8 - len(h) % 8) % 8)
        return struct.pack("<Q", len(h)) + h + payload
    put("safetensors", "two", st({"__metadata__": {"format": "pt"},
                                  "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
                                  "b": {"dtype": "BF16", "shape": [3], "data_offsets": [16, 22]}},
                                 bytes(range(22))))
    put("safetensors", "empty", st({"z": {"dtype": "U8", "shape": [0, 5], "data_offsets": [0, 0]}}, b""))


def store():
    ids = b"a::x/1.jpg\nb\nc::y/2.jpg\n"
    manifest = {"format": "xmas-trajectory-store", "version": 1, "num_examples": 3,
                "ids_file": "ids.txt", "valid_file": "valid.npy", "top_k": 2,
                "features": {
                    "svd": {"per_checkpoint": True, "dtype": "float32", "shape": [3, 2],
                            "files": {"200": "f0.npy", "400": "f1.npy"}},
                    "loss": {"per_checkpoint": True, "dtype": "float32", "shape": [3],
                             "files": {"200": "f2.npy"}},
                    "embed": {"per_checkpoint": False, "dtype": "float32", "shape": [3, 1],
                              "file": "f3.npy"}},
                "settings": {"mode": "attention"}}
    valid = npy("<i4", [3], struct.pack("<3i", 1, 0, 1))
    f = lambda vals, shape: npy("<f4", shape, struct.pack("<%df" % len(vals), *vals))
    parts = [json.dumps(manifest).encode(), ids, valid,
             f([3, 1, 0, 0, 2, 1], [3, 2]), f([2, 1, 0, 0, 1, .5], [3, 2]),
             f([.5, .25, .125], [3]), f([1, 2, 3], [3, 1])]
    put("store", "three_rows", SEP.join(parts))


def official():
    d = os.path.join(DATA, "official-golden-12k", "attn_svd_files")
    files = sorted(os.listdir(d))[:3]
    contents = []
    for name in files:
        obj = json.loads(gzip.open(os.path.join(d, name)).read())
        keep = dict(list(obj.items())[:6])
        contents.append(json.dumps(keep).encode())
    names = "\n".join(n[:-3] for n in files).encode()
    put("official", "svd_sum", SEP.join([b"\x00" + names] + contents))
    put("official", "svd_keep_all", SEP.join([b"\x02" + names] + contents))
    loss_names = b"checkpoint-1_loss.json\ncheckpoint-2_loss.json"
    put("official", "loss", SEP.join([b"\x05" + loss_names, b'{"a": 1.5, "b": NaN}', b'{"b": 2, "a": 0.5}']))


def image():
    w, h = 5, 3
    rows = [bytes((x * 40 + y * 10 + c) % 256 for x in range(w) for c in range(3)) for y in range(h)]

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + r for r in rows))) + chunk(b"IEND", b""))
    put("image", "rgb.png", b"\x00" + png)
    stride = (w * 3 + 3) & ~3
    pixels = b"".join(r[::-1] + b"\x00" * (stride - w * 3) for r in reversed(rows))
    bmp = (b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54) +
           struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0) + pixels)
    put("image", "rgb.bmp", b"\x01" + bmp)
    gif = (b"GIF89a" + struct.pack("<HH", 2, 2) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff" +
           b"\x2c" + struct.pack("<HHHH", 0, 0, 2, 2) + b"\x00" + b"\x02\x02\x44\x01\x00" + b"\x3b")
    put("image", "bw.gif", b"\x00" + gif)
    # A minimal baseline JPEG: 8x8 grey, one DC-only block.
    jpeg = bytes.fromhex(
        "ffd8ffe000104a46494600010100000100010000"
        "ffdb004300" + "01" * 64 +
        "ffc0000b080008000801011100"
        "ffc4001f0000010501010101010100000000000000000102030405060708090a0b"
        "ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
        "ffda0008010100003f00" "d2cf20" "ffd9")
    put("image", "grey.jpg", b"\x00" + jpeg)


def npy_seed():
    if os.path.exists(os.path.join(ROOT, "fuzz", "corpus", "npy", "seed.npy")):
        return
    put("npy", "seed.npy", npy("<f4", [2, 3], struct.pack("<6f", *range(6))))


if __name__ == "__main__":
    dataset(); safetensors(); store(); official(); image(); npy_seed()
