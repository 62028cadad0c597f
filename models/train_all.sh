#!/usr/bin/env bash
# Retrains the whole model zoo from scratch on CPU: data export, policy, ORM, ONNX exports, model-card tables.
# Needs Debian's torch: apt-get install python3-torch python3-onnx libopenblas0-openmp libtcmalloc-minimal4
# Roughly 300 minutes on 2 cores (the policy about 120 of them, the revision policy about 100). Each training step is resumable (rerun with RESUME=1).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
py=/usr/bin/python3
# Debian's torch is ~30x slower on reference BLAS and loses a further ~15% to glibc malloc on this workload.
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
[ -f "$tcmalloc" ] && export LD_PRELOAD=$tcmalloc

"$root/scripts/bootstrap.sh"
PATH="$root/.tools/bin:$PATH" pnpm -s data:export
# The policy: a cosine schedule of 4500 iterations at batch 24 (41 minutes at ~10k tokens/s on an otherwise
# idle 2-core machine), then a continuation that stretches the schedule to 6000 iterations (lr 3e-4 -> 1e-4, 16 min).
# --minutes caps a slower machine; RESUME=1 continues the first run from its checkpoint.
$py models/policy/train.py --minutes "${POLICY_MINUTES:-55}" --batch-size 24 --lr 1.5e-3 --warmup 100 --max-iters 4500 ${RESUME:+--resume}
$py models/policy/train.py --resume --minutes "${CONTINUE_MINUTES:-20}" --batch-size 24 --lr 1.5e-3 --warmup 100 --max-iters 6000
# Then 4,000 more iterations from those weights with a fresh optimizer and a gentler schedule (64 min at ~5.5k tokens/s;
# one chunk: its schedule starts at iteration 6000). The served policy is iteration 10000.
$py models/policy/train.py --init models/policy/checkpoints/ckpt.pt --out models/policy/checkpoints/long \
  --minutes "${LONG_MINUTES:-80}" --batch-size 24 --lr 2e-4 --min-lr 2e-5 --warmup 300 --max-iters 10000
$py models/policy/export.py models/policy/checkpoints/long/ckpt.pt models/policy/onnx
cp models/policy/checkpoints/long/ckpt.pt models/policy/checkpoints/ckpt.pt
$py models/policy/evaluate.py --per-step 100 --k 16 | tee models/policy/eval.md
$py models/prm/train.py --problems-per-step 0 --checker-problems-per-step 120 --checker-samples 8 \
  --surprise --extra-layers 2 --freeze-body --rank-weight 1 --lr 1e-3 --max-iters 700 --minutes "${PRM_MINUTES:-32}" \
  --val-questions 48 --val-every 100
# The ORM: the same model and loop with outcome labels, on the PRM's (cached) checker-labelled samples.
$py models/orm/train.py --minutes "${ORM_MINUTES:-32}"
$py models/orm/evaluate.py --per-step 50 --k 16 | tee models/orm/eval.md
$py models/prm/evaluate.py --per-step 40 --k 16 | tee models/prm/eval.md
# The revision policy: the policy fine-tuned on revision sequences (zoo/revisions.py), context widened to 768.
$py models/revise/train.py --minutes "${REVISE_MINUTES:-45}" --max-iters 1500 ${RESUME:+--resume}
$py models/revise/train.py --resume --minutes "${REVISE_CONTINUE_MINUTES:-35}" --max-iters 1500
$py models/revise/train.py --resume --minutes "${REVISE_POLISH_MINUTES:-22}" --lr 3e-4 --min-lr 3e-5 --max-iters 2400 --p-plain 0.4 --p-correct-last 0.35
$py models/revise/export.py
