"""The PEFT comparison on BBC News headlines: the nine methods, their learning-rate grids and one
seeded run, shared by the sweep (tools/experiments/peft_sweep.py) and the chapter's live re-runs."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from . import finetune as ft
from .adapters import add_adapters
from .compacter import add_compacter
from .data import load_bbc_news
from .metrics import macro_f1
from .prefix import add_prefix
from .pretrained import load_tokenizer, minilm_classifier
from .text import lm_loss, pad_batch
from .training import CycledBatches, encode, evaluate, loader, train

EPOCHS, BATCH, WARMUP = 3, 32, 0.1            # the budget every method gets
M, N_PHM, R, ALPHA, L_PREFIX, K_TOP = 32, 4, 8, 16, 10, 2


def warmup_linear(step: int, total: int) -> float:
    """Linear warm-up over the first 10% of the steps, then linear decay to 0 (as in BERT fine-tuning)."""
    warm = max(1, round(WARMUP * total))
    return (step + 1) / warm if step < warm else max(0.0, (total - step) / (total - warm))


def peft_lora(bert: nn.Module, targets: list[str], r: int = R,
              alpha: int = ALPHA) -> list[nn.Parameter]:
    """LoRA (Hu et al., 2022) through the peft library, injected in place into the named linear
    layers of the base (``inject_adapter_in_model``); returns the A and B matrices it added."""
    from peft import LoraConfig, inject_adapter_in_model
    ft.freeze_base(bert)
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=0.0, target_modules=targets)
    inject_adapter_in_model(config, bert)
    return [p for name, p in bert.named_parameters() if "lora_" in name]


def merge_lora(model: nn.Module) -> nn.Module:
    """Fold every LoRA update (α/r)·BA into its frozen weight and put the plain layer back in
    place of peft's wrapper (what ``PeftModel.merge_and_unload`` does); returns ``model``."""
    from peft.tuners.lora import LoraLayer
    for name, module in list(model.named_modules()):
        if isinstance(module, LoraLayer):
            module.merge()
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent), child, module.get_base_layer())
    return model


# name: (injector on the encoder, first learning-rate grid); every injector follows the contract
# of llmcourse.finetune, and the new head trains beside what it returns. The sweep widens a grid
# whose best rate lies on its edge.
Injector = Callable[[nn.Module], list[nn.Parameter]]
METHODS: dict[str, tuple[Injector, tuple[float, ...]]] = {
    "full fine-tuning": (ft.full, (3e-5, 1e-4, 3e-4)),
    "head only": (ft.frozen, (3e-3, 1e-2, 3e-2)),
    f"top {K_TOP} layers": (lambda bert: ft.top_k_layers(bert, K_TOP), (1e-4, 3e-4, 1e-3)),
    "BitFit": (ft.bitfit, (1e-3, 3e-3, 1e-2)),
    "Houlsby adapters": (lambda bert: add_adapters(bert, M), (1e-3, 3e-3, 1e-2)),
    "Compacter": (lambda bert: add_compacter(bert, M, N_PHM, r=1), (3e-3, 1e-2, 3e-2)),
    "LoRA (W_q, W_v)": (lambda bert: peft_lora(bert, ["query", "value"]), (1e-3, 3e-3, 1e-2)),
    "LoRA (every linear layer)": (
        lambda bert: peft_lora(bert, ["query", "key", "value", "dense"]), (1e-3, 3e-3, 1e-2)),
    "prefix tuning": (lambda bert: add_prefix(bert, L_PREFIX, hidden=512), (3e-3, 1e-2, 3e-2)),
}


@dataclass
class Headlines:
    """BBC News headlines encoded for MiniLM, the three splits, and the pre-trained classifier."""
    data: dict
    label_names: list[str]
    base: nn.Module
    tokenizer: object


def load_headlines() -> Headlines:
    """Headlines only, padded to the longest one (no headline is cut); MiniLM with a 5-way head."""
    splits, tokenizer = load_bbc_news(), load_tokenizer()
    named = [("train", splits.train), ("validation", splits.validation), ("test", splits.test)]
    max_length = max(len(tokenizer(a.headline)["input_ids"]) for _, s in named for a in s)
    data = {name: encode(tokenizer, [a.headline for a in s], [a.label for a in s], max_length)
            for name, s in named}
    base = minilm_classifier(len(splits.label_names), seed=0)
    base.encoder.pooler = None   # the classifier mean-pools the token states; BERT's pooler is unused
    return Headlines(data, list(splits.label_names), base.eval(), tokenizer)


def build(h: Headlines, name: str, seed: int) -> tuple[nn.Module, list[nn.Parameter]]:
    """A fresh copy of the pre-trained classifier set up for one method, and the parameters that
    train (what the method's injector returned, then the head's); ``seed`` draws the head and
    every new module (adapters, LoRA's A, prefixes)."""
    model = copy.deepcopy(h.base)
    torch.manual_seed(seed)
    model.head.reset_parameters()
    return model, METHODS[name][0](model.encoder) + list(model.head.parameters())


def run(h: Headlines, name: str, lr: float, seed: int, epochs: int = EPOCHS,
        progress: bool = True) -> tuple[nn.Module, dict]:
    """Train one method at one rate and seed (AdamW, warm-up then linear decay), then test once.

    Returns the model and a record: per-step training loss, per-epoch validation loss and accuracy,
    test accuracy and macro-F1, trainable parameters and training time."""
    model, trained = build(h, name, seed)
    step_losses: list[float] = []

    def loss_fn(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(logits, y)
        if torch.is_grad_enabled():          # training steps only, not the validation passes
            step_losses.append(loss.item())
        return loss

    history = train(model, loader(h.data["train"], BATCH, shuffle=True, seed=seed),
                    loader(h.data["validation"], 128), epochs=epochs, lr=lr, seed=seed,
                    schedule=warmup_linear, loss_fn=loss_fn, desc=f"{name}, lr {lr:g}, seed {seed}",
                    progress=progress)
    _, test_acc, preds = evaluate(model, loader(h.data["test"], 128))
    record = {"method": name, "lr": lr, "seed": seed, "epochs": epochs,
              "trainable": sum(p.numel() for p in trained),
              "step_loss": step_losses, "val_loss": history.val_loss,
              "val_accuracy": history.val_accuracy, "test_accuracy": test_acc,
              "test_macro_f1": macro_f1(h.data["test"].tensors[2], preds, len(h.label_names)),
              "train_seconds": history.train_seconds}
    return model, record


# ---------------------------------------------------------------- a small causal LM for peft's LoRA

def tiny_llama(vocab_size: int, hidden: int = 128, n_layer: int = 2, n_head: int = 4,
               max_positions: int = 128, seed: int = 0) -> nn.Module:
    """A randomly initialised ``transformers`` LlamaForCausalLM small enough to pre-train on a CPU
    in seconds; like Llama it has separate q_proj, k_proj, v_proj, o_proj, the names LoRA targets."""
    from transformers import LlamaConfig, LlamaForCausalLM
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=hidden, intermediate_size=2 * hidden,
                         num_hidden_layers=n_layer, num_attention_heads=n_head,
                         num_key_value_heads=n_head, max_position_embeddings=max_positions,
                         pad_token_id=0, bos_token_id=2, eos_token_id=2, tie_word_embeddings=True)
    return LlamaForCausalLM(config)


def topic_examples(tokenizer, articles, label_words: list[str], with_label: bool = True,
                   max_words: int = 24) -> list[list[int]]:
    """'<headline> topic : <label word>' as word ids (the label left off for generation)."""
    cue = tokenizer.encode("topic :")
    return [tokenizer.encode(a.headline)[:max_words] + cue
            + ([tokenizer.token_id(label_words[a.label])] if with_label else [])
            for a in articles]


def answer_batches(sequences: list[list[int]], batch_size: int = 32, seed: int = 0):
    """Right-padded (ids, mask, loss_mask) batches whose loss covers only the last token, the
    label word: the LM learns to answer, not to model the headlines again."""
    from torch.utils.data import DataLoader, TensorDataset
    ids, lengths = pad_batch(sequences, side="right")
    positions = torch.arange(ids.shape[1])
    mask = (positions < lengths[:, None]).long()
    answer = (positions == lengths[:, None] - 1).long()
    return DataLoader(TensorDataset(ids, mask, answer), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def generate_answers(model: nn.Module, prompts: list[list[int]], new_tokens: int = 1,
                     pad_id: int = 0, batch_size: int = 128) -> list[list[int]]:
    """Greedy generation (``model.generate``, no sampling) of ``new_tokens`` after each prompt,
    in batches left-padded so that every prompt ends where generation starts."""
    model.eval()
    out = []
    for start in range(0, len(prompts), batch_size):
        ids, lengths = pad_batch(prompts[start:start + batch_size], side="left", pad_id=pad_id)
        L = ids.shape[1]
        mask = (torch.arange(L) >= L - lengths[:, None]).long()
        gen = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new_tokens,
                             do_sample=False, pad_token_id=pad_id)
        out += gen[:, L:].tolist()
    return out


def causal_lm_forward(model: nn.Module, batch) -> tuple[torch.Tensor, torch.Tensor]:
    """How a batch of (ids, mask[, loss_mask]) becomes (logits, targets) for a ``transformers``
    causal LM: the target of each position is the next token, and -100 (the index cross-entropy
    ignores) where there is none or where the mask is 0 (default mask: every real token), exactly
    as transformers shifts its ``labels``, so ``lm_loss`` on them is the model's own loss."""
    ids, mask, *loss_mask = batch
    keep = (loss_mask[0] if loss_mask else mask).bool()
    targets = F.pad(ids.masked_fill(~keep, -100)[:, 1:], (0, 1), value=-100)
    return model(input_ids=ids, attention_mask=mask).logits, targets


def lm_step_loss(model: nn.Module, ids: torch.Tensor, mask: torch.Tensor,
                 loss_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Next-token cross-entropy of a transformers causal LM, over the positions ``loss_mask`` keeps
    (default: every real token); the loss ``train_lm`` minimises."""
    batch = (ids, mask) if loss_mask is None else (ids, mask, loss_mask)
    return lm_loss(*causal_lm_forward(model, batch))


def train_lm(model: nn.Module, batches, steps: int, lr: float, seed: int = 0,
             desc: str = "causal LM", progress: bool = True) -> list[float]:
    """AdamW (weight decay 0.01, PyTorch's default) on the trainable parameters for ``steps``
    batches of (ids, mask[, loss_mask]), cycling through ``batches``, with warm-up and linear decay
    (``training.train`` with ``causal_lm_forward``); returns the loss of every step and leaves the
    model in eval mode."""
    history = train(model, CycledBatches(batches, steps), epochs=1, lr=lr, weight_decay=0.01,
                    schedule=warmup_linear, loss_fn=lm_loss, forward=causal_lm_forward,
                    measure_memory=False, seed=seed, desc=desc, progress=progress)
    model.eval()
    return history.step_loss
