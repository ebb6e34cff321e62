#!/usr/bin/env bash
# xmas's model loop against a plain PyTorch (Python) reference doing the same
# arithmetic on the same batches (BENCHMARKS.md, "Model loop against PyTorch").
#
#   bench/model_loop_bench.sh [BUILD_DIR] [WORK_DIR]
#
# For each preset: a tokenizer and an initial model, then back to back
#   train: `xmas train --init` vs `bench/ref_model.py train` on the same
#          micro-batches (bench_dump_batches), losses compared step by step;
#   traj:  `xmas trajectories` (attention mode, all layers, exact SVD) on the
#          run's checkpoints vs `bench/ref_model.py traj` twice, values
#          compared: "same work" (xmas's length-sorted batches, the last
#          hooked layer stopped after q/k, as xmas does) and "plain" (runs of
#          BATCH records in dataset order, every hooked layer whole: what a
#          plain script does and what xmas did before issue 19).
# Prints one table: examples/s (checkpoints after the first, i.e. with the
# vision features cached, as both do), tokens/s, CPU seconds, peak RSS, the
# xmas/reference ratios and the largest differences.
#
# The timed xmas runs are `xmas train` / `xmas trajectories` when BUILD_DIR
# has the CLI, else bench_model_loop's train / traj (the same library calls;
# it builds without the eval/select components). Set XMAS_CLI=0 to force it.
#
# Environment (defaults): PRESETS="tiny small tinyllava2", RECORDS=400
# (tinyllava2: TL_RECORDS=16), THREADS=1, TRAIN_STEPS=30, BATCH=8 (tinyllava2:
# TL_BATCH=4), XMAS_PRELOAD (an LD_PRELOAD for xmas only, e.g. an
# allocator), PYTHON=/usr/bin/python3.
# tinyllava2 = CLIP ViT-L/14-336 + TinyLlama-1.1B widths (2048 wide, 32
# heads, 4 key/value heads, MLP 5632) with 2 vision and 2 decoder layers and
# a 1,024-piece vocabulary; it is only extracted (a 3-step run of batch 1
# makes its checkpoints).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-build}" && pwd)
WORK=${2:-/tmp/xmas-model-loop}
TOOL="$BUILD/bench/bench_model_loop"
CLI=${XMAS_CLI:-1}; [ -x "$BUILD/bin/xmas" ] || CLI=0
PY=${PYTHON:-/usr/bin/python3}
PRESETS=${PRESETS:-tiny small tinyllava2}
THREADS=${THREADS:-1}
STEPS=${TRAIN_STEPS:-30}
export OMP_NUM_THREADS=$THREADS
mkdir -p "$WORK"
TIME_FMT="time wall=%e user=%U sys=%S maxrss_kb=%M minflt=%R majflt=%F"

# timed NAME CMD...: runs CMD, its stderr+stdout to $WORK/NAME.log, /usr/bin/time's line last.
timed() {
  local name=$1; shift
  /usr/bin/time -f "$TIME_FMT" -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 ||
    { echo "FAILED: $name (see $WORK/$name.log)"; tail -5 "$WORK/$name.log"; exit 1; }
}

[ -f "$WORK/demo/train.json" ] || "$TOOL" demo-data "$WORK/demo"
IMAGES="$WORK/demo/images"
subset() {  # subset N OUT: the first N records
  "$PY" -c "import json,sys; json.dump(json.load(open(sys.argv[1]))[:int(sys.argv[2])], open(sys.argv[3], 'w'))" \
    "$WORK/demo/train.json" "$1" "$2"
}

tinyllava2_config() {  # writes $1/tinyllava2.json (keys as src/xmas/model/config.cpp writes them)
  "$PY" - "$1/tinyllava2.json" <<'EOF'
import json, sys
vision = dict(model_type="clip_vision_model", hidden_size=1024, intermediate_size=4096, num_hidden_layers=2,
              num_attention_heads=16, num_channels=3, image_size=336, patch_size=14, layer_norm_eps=1e-5,
              hidden_act="quick_gelu")
text = dict(model_type="llama", vocab_size=1024, hidden_size=2048, intermediate_size=5632, num_hidden_layers=2,
            num_attention_heads=32, num_key_value_heads=4, max_position_embeddings=2048, rms_norm_eps=1e-5,
            rope_theta=10000.0, attention_bias=False, tie_word_embeddings=False, hidden_act="silu")
json.dump(dict(architectures=["LlavaForConditionalGeneration"], model_type="llava", vision_config=vision,
               text_config=text, mm_projector_type="mlp2x_gelu", projector_hidden_act="gelu",
               vision_feature_layer=-2, vision_feature_select_strategy="default", image_token_index=1024,
               pad_token_id=0, bos_token_id=1, eos_token_id=2, tie_word_embeddings=False, torch_dtype="float32"),
          open(sys.argv[1], "w"), indent=2)
EOF
}

# xmas_train NAME FROM DATA BATCH STEPS SAVE_EVERY OUT [VOCAB]: a timed finetune run (lr 1e-3, seed 1).
xmas_train() {
  local name=$1 from=$2 data=$3 batch=$4 steps=$5 save=$6 out=$7 vocab=${8:-}
  if [ "$CLI" = 1 ]; then
    local src=(--config "$from"); [ -d "$from" ] && src=(--init "$from")
    local voc=(); [ -n "$vocab" ] && voc=(--tokenizer-vocab "$vocab")
    timed "$name" env LD_PRELOAD="${XMAS_PRELOAD:-}" "$BUILD/bin/xmas" train "${src[@]}" "${voc[@]}" \
      --data "$data" --image-folder "$IMAGES" --stage finetune --lr 1e-3 --batch-size "$batch" \
      --max-steps "$steps" --save-every "$save" --seed 1 --threads "$THREADS" --out "$out" --overwrite
  else
    timed "$name" env LD_PRELOAD="${XMAS_PRELOAD:-}" "$TOOL" train "$from" "$data" "$IMAGES" "$batch" 1 \
      "$steps" "$save" 1e-3 "$THREADS" "$out" $vocab
  fi
}

# xmas_traj NAME RUN DATA BATCH OUT: a timed extraction (attention mode, all layers, exact SVD).
xmas_traj() {
  local name=$1 run=$2 data=$3 batch=$4 out=$5
  if [ "$CLI" = 1 ]; then
    timed "$name" env LD_PRELOAD="${XMAS_PRELOAD:-}" "$BUILD/bin/xmas" trajectories --run "$run" \
      --data "$data" --image-folder "$IMAGES" --batch-size "$batch" --threads "$THREADS" --out "$out" --overwrite
  else
    timed "$name" env LD_PRELOAD="${XMAS_PRELOAD:-}" "$TOOL" traj "$run" "$data" "$IMAGES" "$batch" \
      "$THREADS" "$out"
  fi
}

prepare() {  # prepare PRESET DIR DATA BATCH: DIR/init, DIR/run (with checkpoints)
  local preset=$1 dir=$2 data=$3 batch=$4
  [ -f "$dir/run/final/config.json" ] && return 0
  if [ "$preset" = tinyllava2 ]; then
    tinyllava2_config "$dir"
    xmas_train "$preset-prepare" "$dir/tinyllava2.json" "$data" 1 3 1 "$dir/run" 1023
    return 0
  fi
  # A 1-step run gives the tokenizer and an initial checkpoint (config + weights + tokenizer).
  xmas_train "$preset-prepare" "$preset" "$data" "$batch" 1 1 "$dir/init-run"
  rm -rf "$dir/init" && cp -r "$dir/init-run/checkpoint-1" "$dir/init"
}

# field FILE KEY: the value of KEY=... in a /usr/bin/time line
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" "$1" | tail -1; }

ROWS=()
bench_preset() {
  local preset=$1 dir="$WORK/$1" n=${RECORDS:-400} batch=${BATCH:-8}
  if [ "$preset" = tinyllava2 ]; then n=${TL_RECORDS:-16}; batch=${TL_BATCH:-4}; fi
  mkdir -p "$dir"
  local data="$dir/data.json"
  [ -f "$data" ] || subset "$n" "$data"
  echo "== $preset: $n records, batch $batch, $THREADS thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
  prepare "$preset" "$dir" "$data" "$batch"
  if [ "$preset" != tinyllava2 ]; then
    [ -f "$dir/train-batches/batches.json" ] ||
      "$TOOL" dump-train "$dir/init" "$data" "$IMAGES" "$batch" 1 "$STEPS" "$dir/train-batches"
    xmas_train "$preset-train-xmas" "$dir/init" "$data" "$batch" "$STEPS" $((STEPS / 3)) "$dir/run"
    cat "$WORK/$preset-train-xmas.time" >>"$WORK/$preset-train-xmas.log"
    timed "$preset-train-ref" "$PY" "$HERE/ref_model.py" train --init "$dir/init" \
      --batches "$dir/train-batches" --lr 1e-3 --threads "$THREADS"
    cat "$WORK/$preset-train-ref.time" >>"$WORK/$preset-train-ref.log"
  fi
  [ -f "$dir/traj-batches/batches.json" ] ||
    "$TOOL" dump-traj "$dir/run" "$data" "$IMAGES" "$batch" "$dir/traj-batches"
  [ -f "$dir/traj-batches-plain/batches.json" ] ||
    "$TOOL" dump-traj "$dir/run" "$data" "$IMAGES" "$batch" "$dir/traj-batches-plain" consecutive
  xmas_traj "$preset-traj-xmas" "$dir/run" "$data" "$batch" "$dir/traj-xmas"
  cat "$WORK/$preset-traj-xmas.time" >>"$WORK/$preset-traj-xmas.log"
  timed "$preset-traj-ref" "$PY" "$HERE/ref_model.py" traj --run "$dir/run" \
    --batches "$dir/traj-batches" --out "$dir/traj-ref" --threads "$THREADS" --lean
  cat "$WORK/$preset-traj-ref.time" >>"$WORK/$preset-traj-ref.log"
  timed "$preset-traj-ref-plain" "$PY" "$HERE/ref_model.py" traj --run "$dir/run" \
    --batches "$dir/traj-batches-plain" --out "$dir/traj-ref-plain" --threads "$THREADS"
  cat "$WORK/$preset-traj-ref-plain.time" >>"$WORK/$preset-traj-ref-plain.log"
  ROWS+=("$("$PY" "$HERE/model_loop_compare.py" "$WORK" "$preset")")
}

for p in $PRESETS; do bench_preset "$p"; done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); threads $THREADS;" \
  "xmas via $([ "$CLI" = 1 ] && echo the CLI || echo bench_model_loop); commit $(git -C "$HERE" rev-parse --short HEAD)"
"$PY" "$HERE/model_loop_compare.py" --header
printf '%s\n' "${ROWS[@]}"
