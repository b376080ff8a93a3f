"""NF4 (QLoRA): the 16 levels, block-wise absmax round trips, double quantisation, memory arithmetic."""

import pytest
import torch

from llmcourse.quantization import (bits_per_param, dequantize_blockwise, double_dequantize, double_quantize,
                                    nf4_levels, pack_4bit, quantize_blockwise, uniform4_levels, unpack_4bit)

# Dettmers et al. (2023), Appendix E: the NF4 data type's 16 values.
PAPER_NF4 = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
             -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
             0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
             0.7229568362236023, 1.0]


def test_nf4_levels_are_the_papers():
    q = nf4_levels()
    assert q.shape == (16,) and torch.all(q[1:] > q[:-1])
    assert q[0] == -1 and q[-1] == 1 and (q == 0).sum() == 1
    assert (q > 0).sum() == 8 and (q < 0).sum() == 7                  # asymmetric: an exact zero
    torch.testing.assert_close(q, torch.tensor(PAPER_NF4), rtol=0, atol=2e-6)


def test_blockwise_round_trip_error_is_bounded_by_half_the_widest_gap():
    torch.manual_seed(0)
    W = 0.05 * torch.randn(96, 64)
    q = nf4_levels()
    codes, absmax = quantize_blockwise(W, q, block=64)
    assert codes.dtype == torch.uint8 and codes.max() <= 15 and codes.shape == (96, 64)
    assert absmax.shape == (96,)
    W_hat = dequantize_blockwise(codes, absmax, q, W.shape)
    half_gap = (q[1:] - q[:-1]).max() / 2
    assert torch.all((W - W_hat).abs() <= half_gap * absmax.repeat_interleave(64).view(96, 64) + 1e-7)
    # each block's largest value is stored exactly (it maps to ±1)
    blocks = W.view(-1, 64)
    torch.testing.assert_close(W_hat.view(-1, 64).abs().amax(1), blocks.abs().amax(1))
    # NF4 beats a uniform 4-bit grid on normally distributed weights
    u = uniform4_levels()
    W_u = dequantize_blockwise(*quantize_blockwise(W, u, 64), u, W.shape)
    assert (W - W_hat).pow(2).mean() < (W - W_u).pow(2).mean()
    with pytest.raises(ValueError, match="multiple of the block size"):
        quantize_blockwise(torch.randn(10), q, block=64)


def test_double_quantisation_is_accurate_and_memory_arithmetic():
    torch.manual_seed(0)
    absmax = 0.1 + 0.02 * torch.rand(1000)
    q8, scale, mean = double_quantize(absmax, block=256)
    assert q8.dtype == torch.int8 and scale.shape == (4,)
    back = double_dequantize(q8, scale, mean, absmax.numel())
    assert (back - absmax).abs().max() <= scale.max() / 127 / 2 + 1e-7
    assert bits_per_param(64) == 4.5
    assert bits_per_param(64, double=True) == pytest.approx(4 + 8 / 64 + 32 / (64 * 256))
    assert bits_per_param(64, double=True) == pytest.approx(4.127, abs=1e-3)


def test_packing_two_codes_per_byte():
    codes = torch.randint(0, 16, (128,), dtype=torch.uint8)
    packed = pack_4bit(codes)
    assert packed.numel() == 64 and packed.dtype == torch.uint8
    assert torch.equal(unpack_4bit(packed), codes)
