"""Train the embedded default MobileNetV2 on the procedural data set (``model.synthetic``).

    python -m model.train --variant both

trains the linear-bottleneck network (the paper) and the ReLU6-bottleneck one (Figure 6a's
ablation) with the same initialisation seed and the same stream of images, and writes
``<out>/embedded.pt``, ``<out>/embedded-relu6.pt`` (float32 state dicts) and their training
logs ``<out>/embedded.log.json``, ``<out>/embedded-relu6.log.json``.

Every step draws a fresh batch from the generator, seeded by (seed, step), so the stream never
repeats and a run is reproducible by seed; the held-out set is a fixed batch from another seed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .images import IMAGENET_MEAN, IMAGENET_STD
from .mobilenetv2 import mobilenet_v2, resolve_device
from .registry import CHECKPOINT_DIR, DEFAULT, VARIANTS, spec
from .synthetic import CLASSES, make_batch

SHIPPED_SPEC = spec(DEFAULT)  # the shipped variants' width and resolution are the defaults
# Seed streams: training batches use (seed, TRAIN_STREAM, step), the held-out set
# (seed, HELDOUT_STREAM). Tests draw "fresh" samples from yet other seeds.
TRAIN_STREAM, HELDOUT_STREAM = 1, 2


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 images (n, H, W, 3) -> float32 (n, 3, H, W) normalised with ImageNet mean/std."""
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 images (n, H, W, 3), got {images.dtype} {images.shape}")
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def build_model(bottleneck: str, width: float) -> nn.Module:
    """The network that is trained and shipped: dropout off (the stream never repeats)."""
    return mobilenet_v2(width, len(CLASSES), bottleneck=bottleneck, dropout=0.0)


@torch.no_grad()
def evaluate(model: nn.Module, images: np.ndarray, labels: np.ndarray,
             device: torch.device, batch: int = 250) -> float:
    """Top-1 accuracy of ``model`` (eval mode) on uint8 images (n, H, W, 3), labels (n,)."""
    was_training = model.training
    model.eval()
    correct = 0
    for i in range(0, len(labels), batch):
        x = to_tensor(images[i:i + batch]).to(device)
        pred = model(x).argmax(1).cpu().numpy()
        correct += int((pred == labels[i:i + batch]).sum())
    model.train(was_training)
    return correct / len(labels)


def lr_at(step: int, steps: int, peak: float, warmup: int) -> float:
    """Linear warm-up to ``peak`` over ``warmup`` steps, then cosine decay to zero."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return 0.5 * peak * (1.0 + math.cos(math.pi * progress))


def _optimizer(model: nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    # Decay conv/linear weights only; BN scales and biases stay free (the usual recipe).
    decay = [p for p in model.parameters() if p.ndim > 1]
    free = [p for p in model.parameters() if p.ndim <= 1]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": free, "weight_decay": 0.0}], lr=lr)


def _fmt_time(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 60:d}m{seconds % 60:02d}s"


def train(variant: str = "linear", *, steps: int = 6000, width: float = SHIPPED_SPEC.width_mult,
          resolution: int = SHIPPED_SPEC.resolution, batch: int = 64, seed: int = 0, lr: float = 1e-2,
          weight_decay: float = 0.02, label_smoothing: float = 0.1, heldout: int = 2000,
          log_every: int = 0, device: str = "auto", out: Path | str | None = CHECKPOINT_DIR,
          quiet: bool = False) -> dict:
    """Train one variant; returns the log dict (config, history rows, final accuracy).

    With ``out`` given, writes ``<out>/<name>.pt`` and ``<out>/<name>.log.json`` where name is
    ``VARIANTS[variant]``. ``log_every`` 0 means about 40 log rows over the run.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    for label, value in (("steps", steps), ("batch", batch), ("heldout", heldout)):
        if int(value) != value or value < 1:
            raise ValueError(f"{label} must be an integer >= 1, got {value}")
    if not 0 < width <= 2:
        raise ValueError(f"width must be in (0, 2], got {width}")
    dev = resolve_device(device)
    log_every = log_every or max(1, steps // 40)
    name = VARIANTS[variant]
    config = dict(variant=variant, name=name, bottleneck=variant, steps=steps, width_mult=width,
                  resolution=resolution, batch=batch, seed=seed, lr=lr,
                  weight_decay=weight_decay, label_smoothing=label_smoothing,
                  heldout=heldout, optimizer="AdamW", schedule="warmup+cosine",
                  classes=CLASSES, num_classes=len(CLASSES), device=str(dev),
                  threads=torch.get_num_threads(), torch=torch.__version__)

    torch.manual_seed(seed)  # same initial weights for both variants (same shapes)
    model = build_model(variant, width).to(dev)
    opt = _optimizer(model, lr, weight_decay)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    warmup = max(1, min(300, steps // 20))
    held_x, held_y = make_batch(heldout, seed=[seed, HELDOUT_STREAM], resolution=resolution)

    history: list[dict] = []
    run_loss = run_correct = run_seen = 0
    data_s = 0.0
    start = time.perf_counter()
    model.train()
    for step in range(steps):
        t0 = time.perf_counter()
        images, labels = make_batch(batch, seed=[seed, TRAIN_STREAM, step], resolution=resolution)
        x, y = to_tensor(images).to(dev), torch.from_numpy(labels).to(dev)
        data_s += time.perf_counter() - t0
        for group in opt.param_groups:
            group["lr"] = lr_at(step, steps, lr, warmup)
        logits = model(x)
        loss = loss_fn(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        run_loss += float(loss.detach()) * batch
        run_correct += int((logits.argmax(1) == y).sum())
        run_seen += batch
        if (step + 1) % log_every == 0 or step + 1 == steps:
            elapsed = time.perf_counter() - start
            row = dict(step=step + 1, loss=run_loss / run_seen, train_acc=run_correct / run_seen,
                       heldout_acc=evaluate(model, held_x, held_y, dev),
                       lr=lr_at(step, steps, lr, warmup), elapsed_s=round(elapsed, 1))
            history.append(row)
            run_loss = run_correct = run_seen = 0
            if not quiet:
                eta = elapsed / (step + 1) * (steps - step - 1)
                print(f"[{name}] step {step + 1}/{steps}  loss {row['loss']:.3f}  "
                      f"train {row['train_acc']:.3f}  held-out {row['heldout_acc']:.3f}  "
                      f"lr {row['lr']:.2e}  {_fmt_time(elapsed)} elapsed, "
                      f"ETA {_fmt_time(eta)}  (data {100 * data_s / elapsed:.0f}%)", flush=True)
            if out is not None:
                _save(model, out, name, config, history, None)
    wall = time.perf_counter() - start
    final = dict(heldout_acc=history[-1]["heldout_acc"], heldout_size=heldout,
                 wall_s=round(wall, 1), data_s=round(data_s, 1), images_seen=steps * batch)
    log = _save(model, out, name, config, history, final) if out is not None else \
        dict(config=config, history=history, final=final)
    log["model"] = model
    return log


def _save(model, out, name, config, history, final) -> dict:
    """Write the state dict (float32, CPU) and the JSON log atomically; return the log."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    torch.save(state, out / f"{name}.pt.tmp")
    os.replace(out / f"{name}.pt.tmp", out / f"{name}.pt")
    log = dict(config=config, history=history, final=final)
    (out / f"{name}.log.json.tmp").write_text(json.dumps(log, indent=1) + "\n")
    os.replace(out / f"{name}.log.json.tmp", out / f"{name}.log.json")
    return log


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m model.train", description=__doc__.split("\n")[0])
    p.add_argument("--variant", choices=["linear", "relu6", "both"], default="both",
                   help="bottleneck type; 'both' trains linear then relu6")
    p.add_argument("--steps", type=int, default=6000)
    p.add_argument("--width", type=float, default=SHIPPED_SPEC.width_mult, help="width multiplier")
    p.add_argument("--resolution", type=int, default=SHIPPED_SPEC.resolution)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=1e-2, help="peak AdamW learning rate")
    p.add_argument("--heldout", type=int, default=2000, help="held-out set size")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: every core; "
                   "training is the machine's only job, unlike the app's pages)")
    p.add_argument("--out", type=Path, default=CHECKPOINT_DIR)
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    args = p.parse_args(argv)
    if args.threads < 0:
        p.error("--threads must be >= 0")
    from runtime import configure
    configure(args.threads or os.cpu_count() or 1)
    try:
        variants = ["linear", "relu6"] if args.variant == "both" else [args.variant]
        for variant in variants:
            log = train(variant, steps=args.steps, width=args.width,
                        resolution=args.resolution, batch=args.batch, seed=args.seed,
                        lr=args.lr, heldout=args.heldout, device=args.device, out=args.out)
            print(f"[{log['config']['name']}] done: held-out accuracy "
                  f"{log['final']['heldout_acc']:.4f} on {args.heldout} images, "
                  f"{_fmt_time(log['final']['wall_s'])}; wrote {args.out}", flush=True)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
