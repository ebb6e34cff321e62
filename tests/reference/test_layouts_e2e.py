"""`xmas trajectories` end to end on small checkpoints in real layouts.

The proxies users bring (issue 18's done-when), each reduced to tiny widths
and written in its own codebase's layout (layouts.py) as an HF Trainer run
folder: RUN/checkpoint-10/ and RUN/checkpoint-20/, each with config.json,
safetensors, tokenizer.model and the HF Trainer's own trainer_state.json
(so --template is given, as the error without it asks):

  hf-llava-llama        HF llava, LLaMA decoder, CLIP tower (classic names)
  llava_llama           original LLaVA flat layout
  tinyllava_v1          TinyLLaVA v1 flat "llava" layout (TinyLlavaLlamaForCausalLM)
  tinyllava-stablelm    TinyLLaVA Factory, StableLM-2 decoder
  tinyllava-phi         TinyLLaVA Factory, Phi-2 decoder
  qwen2-llava           HF llava (transformers >= 4.52 names), Qwen2 decoder,
                        read through --checkpoints DIR,DIR (no --run)
  tinyllava-phi-siglip  TinyLLaVA Factory, Phi-2 + SigLIP (TinyLLaVA-2B / COINCIDE)

Tokenizer: every case uses the SentencePiece fixture (tests/fixtures/text/
tiny.model); the real StableLM-2 / Phi-2 / Qwen2 proxies ship a byte-level
BPE tokenizer.json, which the text layer reads separately.

Checks: every run exits 0 and writes [N, k] finite singular values and
finite losses per checkpoint; the three LLaMA cases hold the same weights
in three layouts and must give identical stores; a qwen2_vl config fails
with a one-line "not supported" error.

    python3 test_layouts_e2e.py XMAS_BINARY TOKENIZER WORK_DIR
"""
import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True
import test_reference as tr  # noqa: E402
from bmp import write_bmp  # noqa: E402
from layouts import config_for, file_name  # noqa: E402
import hf_reference as ref  # noqa: E402

VOCAB = 128  # the fixture tokenizer has 120 pieces; its image id (120) lies inside
STEPS = (10, 20)


def text_config(family):
    t = dict(tr.FAMILIES[family])
    t["vocab_size"] = VOCAB
    t["max_position_embeddings"] = 256
    return t


# name -> (text family, vision config, strategy, layout, use --checkpoints DIRS)
CASES = {
    "hf-llava-llama": ("llama", tr.VISION, "default", "classic", False),
    "llava_llama": ("llama", tr.VISION, "default", "llava_llama", False),
    "tinyllava_v1": ("llama", tr.VISION, "default", "tinyllava_v1", False),
    "tinyllava-stablelm": ("stablelm", tr.VISION, "patch", "tinyllava", False),
    "tinyllava-phi": ("phi", tr.VISION, "patch", "tinyllava", False),
    "qwen2-llava": ("qwen2", tr.VISION, "default", "new", True),
    "tinyllava-phi-siglip": ("phi", tr.SIGLIP, "patch", "tinyllava", False),
}
SAME_WEIGHTS = ("hf-llava-llama", "llava_llama", "tinyllava_v1")


def random_image(w, h, rng):
    """rgb [h, w, 3] from w*h*3 draws of rng, laid out so that write_bmp stores
    the draws in file order (bottom row first, BGR)."""
    draws = bytes(rng.randrange(256) for _ in range(w * h * 3))
    return np.frombuffer(draws, np.uint8).reshape(h, w, 3)[::-1, :, ::-1]


def write_data(work):
    rng = random.Random(7)
    images = os.path.join(work, "images")
    os.makedirs(images, exist_ok=True)
    qa = [("What is in the picture?", "A pattern of coloured noise."), ("Describe it.", "Random dots."),
          ("Is it a photo?", "No, it is generated."), ("How many colours?", "Many of them."),
          ("Name the object.", "There is none."), ("Is it bright?", "Partly.")]
    records = []
    for i, (q, a) in enumerate(qa):
        name = f"img{i}.bmp"
        write_bmp(os.path.join(images, name), random_image(20 + 7 * i, 24 + 3 * i, rng))  # not square: padding matters
        records.append({"id": f"ex{i}", "image": name,
                        "conversations": [{"from": "human", "value": "<image>\n" + q}, {"from": "gpt", "value": a}]})
    records.append({"id": "text", "conversations": [{"from": "human", "value": "Tell a story."},
                                                     {"from": "gpt", "value": "Once there was a cat."}]})
    data = os.path.join(work, "data.json")
    with open(data, "w") as f:
        json.dump(records, f)
    return data, images


def hf_trainer_state(step):
    """The HF Trainer's trainer_state.json (transformers.TrainerState fields)."""
    return {"best_metric": None, "best_model_checkpoint": None, "epoch": step / STEPS[-1], "eval_steps": 500,
            "global_step": step, "is_hyper_param_search": False, "is_local_process_zero": True,
            "is_world_process_zero": True,
            "log_history": [{"epoch": step / STEPS[-1], "grad_norm": 1.0, "learning_rate": 2e-5, "loss": 2.5,
                             "step": step}],
            "logging_steps": 1.0, "max_steps": STEPS[-1], "num_input_tokens_seen": 0, "num_train_epochs": 1,
            "save_steps": STEPS[0], "stateful_callbacks": {}, "total_flos": 0.0, "train_batch_size": 2,
            "trial_name": None, "trial_params": None}


def write_run(work, case, tokenizer):
    family, vision, strategy, layout, _ = CASES[case]
    cfg = tr.llava_config(text_config(family), vision, strategy)
    seed = 1000 if case in SAME_WEIGHTS else 2000 + list(CASES).index(case)
    run = os.path.join(work, case)
    shutil.rmtree(run, ignore_errors=True)
    for k, step in enumerate(STEPS):
        folder = os.path.join(run, f"checkpoint-{step}")
        os.makedirs(folder)
        weights = tr.random_weights(cfg, torch.Generator().manual_seed(seed + k))
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config_for(cfg, layout, folder), f, indent=2)
        ref.write_safetensors(os.path.join(folder, "model.safetensors"),
                              {file_name(n, layout): t for n, t in sorted(weights.items())})
        with open(os.path.join(folder, "trainer_state.json"), "w") as f:
            json.dump(hf_trainer_state(step), f, indent=2)
        shutil.copy(tokenizer, os.path.join(folder, "tokenizer.model"))
    return run


def run_case(xmas, work, case, tokenizer, data, images):
    run = write_run(work, case, tokenizer)
    out = os.path.join(work, case + "_store")
    args = [xmas, "-q", "trajectories", "--data", data, "--image-folder", images, "--template", "llava_v1",
            "--out", out, "--overwrite", "--features", "svd,loss", "--batch-size", "3", "--threads", "1"]
    if CASES[case][4]:
        args += ["--checkpoints", ",".join(os.path.join(run, f"checkpoint-{s}") for s in STEPS)]
    else:
        args += ["--run", run]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{case:22s} FAIL: xmas exited {proc.returncode}: {proc.stderr.strip()[-600:]}")
        return None
    result = {}
    for step in STEPS:
        svd = np.load(os.path.join(out, "svd", f"checkpoint-{step}.npy"))
        loss = np.load(os.path.join(out, "loss", f"checkpoint-{step}.npy"))
        result[step] = (svd, loss)
    rows = result[STEPS[0]][0].shape[0]
    image_rows = slice(0, rows - 1)  # the last record has no image (valid 0, all-zero row)
    ok = all(np.isfinite(s[image_rows]).all() and np.isfinite(l).all() and (s[image_rows] > 0).any()
             for s, l in result.values())
    print(f"{case:22s} {'ok' if ok else 'FAIL'}: {rows} rows x {result[STEPS[0]][0].shape[1]} singular values "
          f"at steps {list(STEPS)}, svd[0] {result[STEPS[-1]][0][0][:3]}")
    return result if ok else None


def qwen2_vl_refused(xmas, work):
    folder = os.path.join(work, "qwen2_vl")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
                   "hidden_size": 1536, "vision_config": {"depth": 32, "embed_dim": 1280}}, f)
    proc = subprocess.run([xmas, "model", "check", folder], capture_output=True, text=True)
    err = (proc.stdout + proc.stderr).strip().splitlines()
    ok = proc.returncode != 0 and any("qwen2_vl" in line and "not supported" in line for line in err)
    print(f"{'qwen2_vl':22s} {'ok' if ok else 'FAIL'}: exit {proc.returncode}: {err[-1] if err else ''}")
    return ok


def main():
    xmas, tokenizer, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(1)
    data, images = write_data(work)
    results = {case: run_case(xmas, work, case, tokenizer, data, images) for case in CASES}
    ok = all(r is not None for r in results.values())
    if ok:
        base = results[SAME_WEIGHTS[0]]
        for case in SAME_WEIGHTS[1:]:
            same = all(np.array_equal(base[s][0], results[case][s][0], equal_nan=True) and
                       np.array_equal(base[s][1], results[case][s][1], equal_nan=True) for s in STEPS)
            print(f"{case:22s} {'ok' if same else 'FAIL'}: store equals {SAME_WEIGHTS[0]}'s (same weights)")
            ok &= same
    ok &= qwen2_vl_refused(xmas, work)
    print("layouts end to end:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
