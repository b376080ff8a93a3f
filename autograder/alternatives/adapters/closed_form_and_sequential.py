"""adapter_params in a factored closed form, m (2d + 1) + d, and an AdaptedFFN whose forward is an nn.Sequential
of the kept block and the adapter. Must earn full marks."""
# %% adapter_params
def adapter_params(d_model: int, bottleneck: int, bias: bool = True) -> int:
    if bias:
        return bottleneck * (2 * d_model + 1) + d_model
    return 2 * d_model * bottleneck
# %% adapted_ffn
class AdaptedFFN(nn.Module):
    def __init__(self, ffn, d_model, bottleneck):
        super().__init__()
        ffn.requires_grad_(False)
        self.ffn = ffn
        self.adapter = HoulsbyAdapter(d_model, bottleneck)
        self.path = nn.Sequential(self.ffn, self.adapter)

    def forward(self, x):
        return self.path(x)
