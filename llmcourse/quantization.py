"""4-bit NormalFloat (NF4) quantisation from QLoRA (Dettmers et al., 2023): block-wise absmax
scaling into [-1, 1], then the nearest of 16 levels placed at quantiles of N(0, 1), and the
double quantisation of the per-block constants."""

from __future__ import annotations

import torch


def nf4_levels() -> torch.Tensor:
    """The 16 NF4 levels: 8 positive and 7 negative normal quantiles plus an exact zero, scaled to [-1, 1].

    The outermost quantile is taken at δ = ½(1 − 1/(2·15) + 1 − 1/(2·16)), not at 1 (where Φ⁻¹ is ∞)."""
    delta = 0.5 * ((1 - 1 / 30) + (1 - 1 / 32))
    ppf = lambda p: torch.special.ndtri(p.double())
    positive = ppf(torch.linspace(delta, 0.5, 9)[:-1])     # 8 values > 0
    negative = -ppf(torch.linspace(delta, 0.5, 8)[:-1])    # 7 values < 0
    levels = torch.cat([negative, torch.zeros(1, dtype=torch.float64), positive]).sort().values
    return (levels / levels.abs().max()).float()


def uniform4_levels() -> torch.Tensor:
    """A plain symmetric 4-bit integer grid for comparison: 15 evenly spaced levels in [-1, 1] (and 16th unused)."""
    return torch.linspace(-1, 1, 15)


def quantize_blockwise(W: torch.Tensor, levels: torch.Tensor, block: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Split W into blocks of ``block`` values, scale each by its absmax c, store the index of the
    nearest level. Returns (codes uint8 with values 0..15, absmax c per block in float32)."""
    flat = W.detach().float().reshape(-1)
    if flat.numel() % block:
        raise ValueError(f"W has {flat.numel()} values, not a multiple of the block size {block}")
    blocks = flat.view(-1, block)
    absmax = blocks.abs().amax(dim=1).clamp(min=torch.finfo(torch.float32).tiny)
    normed = blocks / absmax[:, None]                                  # in [-1, 1]
    codes = (normed[..., None] - levels).abs().argmin(dim=-1).to(torch.uint8)
    return codes, absmax


def dequantize_blockwise(codes: torch.Tensor, absmax: torch.Tensor, levels: torch.Tensor,
                         shape: torch.Size) -> torch.Tensor:
    """W ≈ level[code] · c, back in the original shape."""
    return (levels[codes.long()] * absmax[:, None]).reshape(shape)


def double_quantize(absmax: torch.Tensor, block: int = 256) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Quantise the float32 constants c themselves: subtract their mean, then 8-bit absmax blocks of 256
    (QLoRA uses 8-bit floats; a symmetric int8 grid here). Returns (int8 codes, float32 scale per block, mean)."""
    mean = absmax.mean()
    centred = absmax - mean
    pad = (-centred.numel()) % block
    blocks = torch.cat([centred, centred.new_zeros(pad)]).view(-1, block)
    scale = blocks.abs().amax(dim=1).clamp(min=torch.finfo(torch.float32).tiny)
    q = torch.round(blocks / scale[:, None] * 127).to(torch.int8)
    return q, scale, mean


def double_dequantize(q: torch.Tensor, scale: torch.Tensor, mean: torch.Tensor, n: int) -> torch.Tensor:
    """The n block constants back from their 8-bit codes (the inverse of ``double_quantize``)."""
    return (q.float() / 127 * scale[:, None]).reshape(-1)[:n] + mean


def bits_per_param(block: int = 64, double: bool = False, block2: int = 256, bits: int = 4) -> float:
    """Storage per weight: the 4-bit code plus its share of the constants.
    Single: 4 + 32/64 = 4.5. Double: 4 + 8/64 + 32/(64·256) ≈ 4.127."""
    if not double:
        return bits + 32 / block
    return bits + 8 / block + 32 / (block * block2)


def pack_4bit(codes: torch.Tensor) -> torch.Tensor:
    """Two 4-bit codes per byte: the bytes a 4-bit weight matrix really occupies."""
    if codes.numel() % 2:
        raise ValueError("pack_4bit needs an even number of codes")
    c = codes.reshape(-1, 2)
    return (c[:, 0] << 4) | c[:, 1]


def unpack_4bit(packed: torch.Tensor) -> torch.Tensor:
    """Two 4-bit codes out of each byte, high nibble first (the inverse of ``pack_4bit``)."""
    return torch.stack([packed >> 4, packed & 0xF], dim=1).reshape(-1)
