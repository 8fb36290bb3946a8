"""The GPU pre-processing and result extraction, run on the CPU: letterbox maths, colour
conversion, candidate packing and NMS against ultralytics', and the sync-free device side."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from dogwatch import devprep, extract
from ultralytics.data.augment import LetterBox
from ultralytics.utils.nms import non_max_suppression
from ultralytics.utils.ops import scale_boxes

SHAPES = [(1080, 1920), (480, 640), (120, 160), (1920, 1080), (7, 1000), (641, 639), (720, 1280)]


@pytest.mark.parametrize("src", SHAPES)
@pytest.mark.parametrize("new_shape", [640, 160, (384, 640)])
@pytest.mark.parametrize("auto", [True, False])
def test_letterbox_geometry_is_ultralytics(src: tuple[int, int], new_shape: int | tuple[int, int], auto: bool) -> None:
    theirs = LetterBox(new_shape, auto=auto, stride=32).get_params({"img": np.zeros((*src, 3), np.uint8)})
    ours = devprep.letterbox_geometry(src, new_shape, 32, auto=auto)
    assert ours.unpad == theirs["new_unpad"][::-1]
    assert (ours.top, ours.bottom, ours.left, ours.right) == tuple(
        theirs[k] for k in ("top", "bottom", "left", "right")
    )
    image = LetterBox(new_shape, auto=auto, stride=32)(image=np.zeros((*src, 3), np.uint8))
    assert ours.out == image.shape[:2]


@pytest.mark.parametrize("src", [(1080, 1920), (480, 640), (120, 160), (300, 200)])
def test_letterbox_pixels_match_opencv_within_one_level(src: tuple[int, int]) -> None:
    rng = np.random.default_rng(1)
    frame = cv2.GaussianBlur(rng.integers(0, 256, (*src, 3), dtype=np.uint8), (5, 5), 0)  # image-like
    theirs = LetterBox(640, auto=True, stride=32)(image=frame)[..., ::-1].transpose(2, 0, 1)  # RGB CHW
    geometry = devprep.letterbox_geometry(src, 640, 32)
    ours = devprep.letterbox(devprep.bgr_hwc_to_rgb_chw(torch.from_numpy(frame)[None]), geometry)[0]
    assert ours.shape == theirs.shape and ours.dtype == torch.float32
    diff = (ours - torch.from_numpy(theirs.copy()).float()).abs()
    assert diff.max() <= 1  # cv2 uses fixed-point weights
    assert (diff == 0).float().mean() > 0.8  # most pixels are identical
    g = geometry
    assert (ours[:, : g.top] == devprep.PAD_VALUE).all() and (ours[:, :, : g.left] == devprep.PAD_VALUE).all()


def test_model_input_normalises_like_the_predictor() -> None:
    frames = torch.randint(0, 256, (2, 3, 120, 160), dtype=torch.uint8)
    geometry = devprep.letterbox_geometry((120, 160), 160, 32)
    x = devprep.model_input(frames, geometry, half=False)
    assert x.shape == (2, 3, 128, 160) and x.dtype == torch.float32
    torch.testing.assert_close(x[:, :, 4:124], frames.float() / 255)  # 120 -> 128: 4 rows of padding each side
    half = devprep.model_input(frames, geometry, half=True, channels_last=True)
    assert half.dtype == torch.float16 and half.is_contiguous(memory_format=torch.channels_last)


def test_nv12_to_rgb_matches_opencv() -> None:
    rng = np.random.default_rng(2)
    h, w = 64, 96
    y = rng.integers(16, 236, (h, w), dtype=np.uint8)
    uv = rng.integers(16, 241, (h // 2, w), dtype=np.uint8)
    nv12 = np.concatenate([y, uv])
    theirs = cv2.cvtColor(nv12, cv2.COLOR_YUV2RGB_NV12).transpose(2, 0, 1)  # BT.601, limited range
    ours = devprep.nv12_to_rgb(torch.from_numpy(nv12)[None])[0]
    assert ours.shape == (3, h, w) and ours.dtype == torch.uint8
    assert (ours.int() - torch.from_numpy(theirs.copy()).int()).abs().max() <= 1


def test_bgr_frames_become_rgb_chw() -> None:
    frames = torch.randint(0, 256, (3, 4, 5, 3), dtype=torch.uint8)
    rgb = devprep.bgr_hwc_to_rgb_chw(frames)
    assert torch.equal(rgb, torch.from_numpy(frames.numpy()[..., ::-1].transpose(0, 3, 1, 2).copy()))


def test_device_side_needs_no_host_round_trip() -> None:
    """The meta device has shapes but no data: any .item(), mask or copy to the host would fail here."""
    meta = torch.device("meta")
    geometry = devprep.letterbox_geometry((1080, 1920), 640, 32)
    x = devprep.model_input(torch.empty((16, 1080, 1920, 3), dtype=torch.uint8, device=meta).permute(0, 3, 1, 2),
                            geometry, half=True, channels_last=True)  # fmt: skip
    assert x.shape == (16, 3, 384, 640) and x.device == meta
    nv12 = torch.empty((16, 1620, 1920), dtype=torch.uint8, device=meta)
    assert devprep.nv12_to_rgb(nv12).shape == (16, 3, 1080, 1920)
    preds = torch.empty((16, 84, 5040), dtype=torch.float16, device=meta)
    packed = extract.gather_candidates(preds, 0.25, torch.tensor([16], device=meta), 1024)
    assert packed.shape == (16, 1025, 7) and packed.dtype == torch.float32


def random_preds(batch: int = 4, anchors: int = 2000, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(batch, 2, anchors, generator=g) * 600
    wh = torch.rand(batch, 2, anchors, generator=g) * 120 + 2
    cls = torch.rand(batch, 80, anchors, generator=g) ** 6
    return torch.cat((xy, wh, cls), 1)


@pytest.mark.parametrize("classes", [None, [16], [0, 15, 16]])
def test_candidates_then_host_nms_equal_ultralytics_nms(classes: list[int] | None) -> None:
    preds = random_preds()
    shapes = [(480, 640)] * 4
    wanted = None if classes is None else torch.tensor(classes)
    packed = extract.gather_candidates(preds, 0.25, wanted, 30000)
    ours = extract.finish_on_host(packed, (640, 640), shapes, iou=0.7, max_det=300)
    theirs = non_max_suppression(preds, 0.25, 0.7, classes, False, max_det=300, nc=0)
    for o, t in zip(ours, theirs, strict=True):
        t[:, :4] = scale_boxes((640, 640), t[:, :4], (480, 640))
        assert len(o) and torch.equal(o, t[:, :6])


def test_overflowing_images_take_the_exact_path() -> None:
    preds = random_preds(batch=3)
    packed = extract.gather_candidates(preds, 0.25, None, 8)  # far fewer slots than candidates
    assert extract.overflowed(packed) == [0, 1, 2]
    calls: list[int] = []

    def exact(i: int) -> torch.Tensor:
        calls.append(i)
        return extract.exact_nms(preds, i, conf=0.25, iou=0.7, classes=None, max_det=300)

    ours = extract.finish_on_host(packed, (640, 640), [(640, 640)] * 3, iou=0.7, max_det=300, exact=exact)
    theirs = non_max_suppression(preds, 0.25, 0.7, None, False, max_det=300, nc=0)
    assert calls == [0, 1, 2]
    for o, t in zip(ours, theirs, strict=True):
        t[:, :4] = scale_boxes((640, 640), t[:, :4], (640, 640))  # clipped to the frame
        assert torch.equal(o, t[:, :6])
    with pytest.raises(RuntimeError, match="more than K=8"):
        extract.finish_on_host(packed, (640, 640), [(640, 640)] * 3, iou=0.7, max_det=300)


def test_no_candidates_gives_empty_arrays() -> None:
    preds = random_preds(batch=2)
    packed = extract.gather_candidates(preds, 1.0, None, 64)  # scores are <= 1: nothing passes
    ours = extract.finish_on_host(packed, (640, 640), [(640, 640)] * 2, iou=0.7, max_det=300)
    assert [tuple(o.shape) for o in ours] == [(0, 6), (0, 6)]
