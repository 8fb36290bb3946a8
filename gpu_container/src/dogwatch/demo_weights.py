"""Demo weights: a yolo11n with fixed random weights that "finds dogs" in the synthetic clip, on purpose.

Nothing is downloaded in the demo, so its model is built from `yolo11n.yaml`. A freshly initialised one scores
every anchor alike (about 1e-4: no detections at all), so a demo would compare empty reports. This makes one
that behaves like a detector on `synthetic.make_video(frames=90, width=320, height=240)` (the demo's clip):

1. torch's RNG is seeded: every machine builds the same weights;
2. BatchNorm statistics are re-estimated on the clip's frames (train-mode passes, no weight update), so the
   scores vary with the picture;
3. the "dog" class bias is shifted so that the confidence threshold (0.25) falls in the widest gap between the
   frames' best dog scores, in the middle of their range: about half of the frames hold a "dog", and no frame's
   score is near the threshold (the same frames pass on every run, on any CPU).

The file is an ordinary ultralytics checkpoint: `--weights PATH`, or `DOGWATCH_WEIGHTS=PATH` where the image's
baked-in weights would be. Its detections mean nothing; they are the same wherever the container runs, which is
what the console's comparison of targets needs.

    python -c "from dogwatch.demo_weights import main; main()" OUT.pt
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path

DOG = 16
CONF = 0.25
FRAMES, WIDTH, HEIGHT = 90, 320, 240
VERSION = 1


def _frames(clip: Path) -> list:  # list[np.ndarray]
    import cv2

    capture = cv2.VideoCapture(str(clip))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def _dog_logits(yolo, frames: list) -> list[float]:  # type: ignore[no-untyped-def]
    """The best dog logit of each frame, as the container's CPU pipeline computes it."""
    import torch

    from dogwatch import pipeline

    det = pipeline.Detector(yolo, "cpu", pipeline.DetectorConfig(half=False))
    out = []
    with torch.inference_mode():
        for frame in frames:
            x = det.normalise(det._upload([det.preprocess(frame)]))
            preds = det.backend(x)
            preds = preds[0] if isinstance(preds, (list, tuple)) else preds
            score = float(preds[0, 4 + DOG].amax().item())
            score = min(max(score, 1e-12), 1 - 1e-12)
            out.append(math.log(score / (1 - score)))
    return out


def _wake(model, frames: list, imgsz: int = 640) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    import torch
    from ultralytics.data.augment import LetterBox

    images = [LetterBox(imgsz, auto=True, stride=32)(image=f)[..., ::-1].transpose(2, 0, 1) for f in frames]
    x = torch.from_numpy(np.ascontiguousarray(np.stack(images))).float() / 255
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in norms:
        bn.reset_running_stats()
        bn.momentum = None  # a cumulative average over the passes below
    model.train()
    with torch.no_grad():
        for start in range(0, len(x), 6):
            model(x[start : start + 6])
    model.eval()
    for bn in norms:
        bn.momentum = 0.03


def _shift(logits: list[float]) -> float:
    """The bias shift that puts the threshold in the widest gap between the middle frames' best logits."""
    ranked = sorted(logits)
    lo, hi = len(ranked) // 4, (3 * len(ranked)) // 4
    _gap, at = max((ranked[i + 1] - ranked[i], i) for i in range(lo, hi))
    middle = (ranked[at] + ranked[at + 1]) / 2
    return math.log(CONF / (1 - CONF)) - middle


def make_demo_weights(out: Path) -> Path:
    """Write the demo checkpoint to `out` (atomically) and return it."""
    import torch
    from ultralytics import YOLO

    from dogwatch import pipeline
    from dogwatch.synthetic import make_video

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory(prefix="dogwatch-demo-") as tmp:
        clip = make_video(Path(tmp) / "clip.mp4", frames=FRAMES, width=WIDTH, height=HEIGHT)
        frames = _frames(clip)
        yolo = YOLO("yolo11n.yaml")
        _wake(yolo.model, frames)
        staged = Path(tmp) / "woken.pt"
        yolo.save(str(staged))  # saved in FP16: calibrate what will be loaded, not what was in memory
        yolo = pipeline.load_yolo(str(staged))
        delta = _shift(_dog_logits(yolo, frames))
        head = yolo.model.model[-1]
        with torch.no_grad():
            for branch in head.cv3:
                branch[-1].bias[DOG] += delta
        final = Path(tmp) / "demo.pt"
        yolo.save(str(final))
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(f"{out.name}.{os.getpid()}.partial")  # processes may race
        partial.write_bytes(final.read_bytes())
        partial.replace(out)
    return out


def main() -> None:
    print(make_demo_weights(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
