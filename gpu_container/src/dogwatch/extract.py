"""From raw network output to per-frame detections with one device->host copy per batch.

ultralytics' `non_max_suppression` walks the batch image by image with boolean masks and
`torchvision.ops.nms` on the device: each mask and each NMS is a synchronisation point, and the
predictor then copies every image's result separately (~2 syncs per image per batch). Here:

1. `gather_candidates` (on the device, fixed shapes, no sync): best class and score per anchor,
   the confidence/class filter, and the top-K candidates by score, packed with the per-image
   candidate count into one float32 tensor (B, K + 1, 7);
2. that tensor is copied to pinned host memory once (`Detector` does it, asynchronously);
3. `finish_on_host` runs class-aware NMS on the CPU over each image's candidates, in anchor order
   (as ultralytics does, so ties resolve the same way), and scales the boxes to the frame.

The result equals ultralytics' for every image whose candidate count fits in K. An image with
more candidates is recomputed with ultralytics' own NMS on the device (exact, and rare at
useful confidence thresholds: a trained model leaves tens of candidates at conf 0.25).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torchvision
from ultralytics.utils.nms import non_max_suppression
from ultralytics.utils.ops import scale_boxes, xywh2xyxy

COLUMNS = 7  # x1, y1, x2, y2, confidence, class id, anchor index
MAX_WH = 7680  # ultralytics' per-class box offset for class-aware NMS


def gather_candidates(
    preds: torch.Tensor | Sequence[torch.Tensor], conf: float, classes: torch.Tensor | None, k: int
) -> torch.Tensor:
    """(B, 4 + nc, A) network output -> (B, K + 1, 7) float32: top-K candidates, then a count row.

    Rows 0..K-1 hold candidates by decreasing score (score -1 marks an empty slot); row K holds
    the image's candidate count in column 0. Static shapes only: no host round trip.
    """
    if isinstance(preds, (list, tuple)):
        preds = preds[0]
    assert isinstance(preds, torch.Tensor)
    batch, channels, anchors = preds.shape
    k = max(1, min(k, anchors))
    p = preds.transpose(1, 2)  # (B, A, 4 + nc)
    boxes = xywh2xyxy(p[..., :4]).float()  # in the network's dtype first, as ultralytics does
    score, cls = p[..., 4:channels].max(-1)  # best class only (multi_label=False)
    keep = score > conf
    if classes is not None:
        keep &= torch.isin(cls, classes)
    count = keep.sum(1, dtype=torch.int32)
    ranked = torch.where(keep, score.float(), torch.full_like(score, -1.0, dtype=torch.float32))
    top, order = ranked.topk(k, dim=1)  # sorted, descending
    anchor = torch.arange(anchors, device=preds.device, dtype=torch.float32).expand(batch, anchors)
    rows = torch.cat((boxes, score.float()[..., None], cls.float()[..., None], anchor[..., None]), dim=-1)
    picked = rows.gather(1, order[..., None].expand(batch, k, COLUMNS)).clone()
    picked[..., 4] = top
    tail = torch.zeros((batch, 1, COLUMNS), device=preds.device, dtype=torch.float32)
    tail[:, 0, 0] = count.float()
    return torch.cat((picked, tail), dim=1)


def overflowed(packed: torch.Tensor) -> list[int]:
    """Images whose candidate count did not fit in K (host tensor)."""
    k = packed.shape[1] - 1
    return [i for i, c in enumerate(packed[:, k, 0].tolist()) if c > k]


def finish_on_host(
    packed: torch.Tensor,
    input_shape: tuple[int, int],
    frame_shapes: Sequence[tuple[int, int]],
    *,
    iou: float,
    max_det: int,
    exact: Callable[[int], torch.Tensor] | None = None,
) -> list[torch.Tensor]:
    """NMS and box scaling on the CPU: per image an (n, 6) float32 tensor (x1, y1, x2, y2, conf, cls).

    `exact(i)` recomputes image i from the device output when its candidates overflowed K.
    """
    k = packed.shape[1] - 1
    out = []
    for i, shape in enumerate(frame_shapes):
        count = int(packed[i, k, 0])
        if count > k:
            if exact is None:
                raise RuntimeError(f"image {i}: {count} candidates, more than K={k}")
            det = exact(i)
        else:
            rows = packed[i, :count]
            rows = rows[rows[:, 6].argsort()]  # anchor order, like ultralytics' boolean-mask filter
            if count:
                keep = torchvision.ops.nms(rows[:, :4] + rows[:, 5:6] * MAX_WH, rows[:, 4], iou)[:max_det]
                det = rows[keep, :6]
            else:
                det = rows[:, :6]
        det = det.clone()
        det[:, :4] = scale_boxes(input_shape, det[:, :4], shape)
        out.append(det)
    return out


def exact_nms(
    preds: torch.Tensor | Sequence[torch.Tensor],
    index: int,
    *,
    conf: float,
    iou: float,
    classes: list[int] | None,
    max_det: int,
    end2end: bool = False,
) -> torch.Tensor:
    """ultralytics' own NMS for one image of the batch, moved to the host (the overflow path)."""
    if isinstance(preds, (list, tuple)):
        preds = preds[0]
    assert isinstance(preds, torch.Tensor)
    det = non_max_suppression(
        preds[index : index + 1], conf, iou, classes, False, max_det=max_det, nc=0, end2end=end2end
    )[0]
    return det[:, :6].float().cpu()
