"""AdaptedFFN freezing the block parameter by parameter after building the adapter, a forward in two steps, and a
top-k that warns while it works (a warning is not a failure). Must earn full marks."""
# %% adapted_ffn
import warnings


class AdaptedFFN(nn.Module):
    def __init__(self, ffn, d_model, bottleneck):
        super().__init__()
        self.adapter = HoulsbyAdapter(d_model, bottleneck)
        self.ffn = ffn
        for p in ffn.parameters():
            p.requires_grad = False

    def forward(self, x):
        y = self.ffn(x)
        return self.adapter(y)
# %% freeze_all_but_top_k
def freeze_all_but_top_k(layers, k):
    if k > len(layers):
        warnings.warn(f"k = {k} is more than the {len(layers)} layers: training all of them")
    first = max(len(layers) - k, 0)
    for i, layer in enumerate(layers):
        for p in layer.parameters():
            p.requires_grad = i >= first
