"""Pre-processing as tensor ops on the inference device: colour conversion, letterbox, normalise.

The CUDA path uploads decoded frames as uint8 (BGR from the CPU decoder, NV12 or RGB from
NVDEC) and turns them into the model's input here, so the CPU never resizes a 1080p frame.
The maths follow ultralytics' LetterBox (the predictor's pre-processing) exactly for the
geometry; the resize is bilinear with half-pixel centres like cv2.INTER_LINEAR, and values are
rounded back to the uint8 grid between steps, as the CPU path stores them (cv2 itself uses
fixed-point weights, so a pixel may differ by one level).

Every function is shape-static and sync-free: it runs on the `meta` device too (the tests use
that to prove no step needs a device->host round trip).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

PAD_VALUE = 114  # ultralytics' letterbox grey

# Y'CbCr -> R'G'B' for limited ("TV") range 8-bit video: rgb = M @ (y - 16, u - 128, v - 128)
_YUV_MATRICES = {
    "bt601": ((1.164383, 0.0, 1.596027), (1.164383, -0.391762, -0.812968), (1.164383, 2.017232, 0.0)),
    "bt709": ((1.164383, 0.0, 1.792741), (1.164383, -0.213249, -0.532909), (1.164383, 2.112402, 0.0)),
}


@dataclass(frozen=True)
class Letterbox:
    """Where a (height, width) frame lands in the model input (ultralytics LetterBox.get_params)."""

    src: tuple[int, int]  # original (h, w)
    unpad: tuple[int, int]  # resized (h, w) before padding
    top: int
    bottom: int
    left: int
    right: int

    @property
    def out(self) -> tuple[int, int]:
        return self.unpad[0] + self.top + self.bottom, self.unpad[1] + self.left + self.right


def letterbox_geometry(
    src: tuple[int, int], new_shape: int | tuple[int, int], stride: int, auto: bool = True
) -> Letterbox:
    """The same numbers as ultralytics' LetterBox(new_shape, auto, stride) for a frame of `src` = (h, w)."""
    if isinstance(new_shape, int):
        new_shape = (new_shape, new_shape)
    h, w = src
    r = min(new_shape[0] / h, new_shape[1] / w)
    unpad_w, unpad_h = max(round(w * r), 1), max(round(h * r), 1)
    dw: float = new_shape[1] - unpad_w
    dh: float = new_shape[0] - unpad_h
    if auto:
        dw, dh = dw % stride, dh % stride
    dw, dh = dw / 2, dh / 2
    return Letterbox(
        src=(h, w),
        unpad=(unpad_h, unpad_w),
        top=round(dh - 0.1),
        bottom=round(dh + 0.1),
        left=round(dw - 0.1),
        right=round(dw + 0.1),
    )


def bgr_hwc_to_rgb_chw(frames: torch.Tensor) -> torch.Tensor:
    """(N, H, W, 3) BGR uint8 (what OpenCV decodes) -> (N, 3, H, W) RGB, a view plus one flip."""
    return frames.permute(0, 3, 1, 2).flip(1)


def nv12_to_rgb(nv12: torch.Tensor, matrix: str = "bt601") -> torch.Tensor:
    """(N, H*3/2, W) NV12 uint8 (NVDEC's native output) -> (N, 3, H, W) RGB uint8.

    Limited-range BT.601 (what FFmpeg's swscale, hence OpenCV, applies to untagged video) or
    BT.709; chroma is upsampled by repetition (cv2.COLOR_YUV2RGB_NV12 does the same).
    """
    if nv12.dim() != 3 or nv12.shape[1] % 3:
        raise ValueError(f"NV12 frames must be (N, H*3/2, W), got {tuple(nv12.shape)}")
    n, rows, w = nv12.shape
    h = rows * 2 // 3
    y = nv12[:, :h, :].float() - 16.0
    uv = nv12[:, h:, :].reshape(n, h // 2, w // 2, 2).float() - 128.0
    uv = uv.repeat_interleave(2, dim=1).repeat_interleave(2, dim=2)  # (N, H, W, 2)
    m = torch.tensor(_YUV_MATRICES[matrix], dtype=torch.float32, device=nv12.device)
    yuv = torch.stack((y, uv[..., 0], uv[..., 1]), dim=1)  # (N, 3, H, W)
    rgb = torch.einsum("ck,nkhw->nchw", m, yuv)
    return rgb.round_().clamp_(0, 255).to(torch.uint8)


def letterbox(frames: torch.Tensor, geometry: Letterbox) -> torch.Tensor:
    """(N, 3, H, W) uint8 RGB -> (N, 3, H', W') float32 on the uint8 grid (values 0..255), padded."""
    if tuple(frames.shape[2:]) != geometry.src:
        raise ValueError(f"frames are {tuple(frames.shape[2:])}, the letterbox was made for {geometry.src}")
    x = frames.float()
    if geometry.unpad != geometry.src:
        x = F.interpolate(x, size=geometry.unpad, mode="bilinear", align_corners=False, antialias=False)
        x = x.round_().clamp_(0, 255)
    pad = (geometry.left, geometry.right, geometry.top, geometry.bottom)
    return F.pad(x, pad, mode="constant", value=float(PAD_VALUE))


def model_input(frames: torch.Tensor, geometry: Letterbox, *, half: bool, channels_last: bool = False) -> torch.Tensor:
    """(N, 3, H, W) uint8 RGB -> the network's input: letterboxed, /255, FP16 or FP32, NCHW or NHWC memory."""
    x = letterbox(frames, geometry).div_(255.0)
    x = x.half() if half else x
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x.contiguous()
