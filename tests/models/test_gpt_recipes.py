"""GPT recipes: nanoGPT's sizes and settings, their parameter count, a short seeded fit."""

import pytest
import torch

from lmkit.data import char_split
from lmkit.models import FAST_CPU, GPT, NANOGPT_CPU, NANOGPT_GPU, GPTRecipe
from lmkit.models.gpt_recipes import RECIPES

TEXT = "to be, or not to be: that is the question.\n" * 30


def nanogpt_params(n_layer, d, vocab, block):
    """nanoGPT's parameter count without biases: per block two LayerNorm gains (2d), the
    attention's 4 d² and the MLP's 8 d²; the token and position tables; the final gain.
    (lmkit's output layer keeps its |V| biases: ``vocab`` more.)"""
    return n_layer * (12 * d * d + 2 * d) + vocab * d + block * d + d + vocab


def test_nanogpt_recipes_are_nanogpts_settings():
    cpu, gpu = NANOGPT_CPU, NANOGPT_GPU
    assert (cpu.n_layer, cpu.n_head, cpu.d_model, cpu.block_size, cpu.batch, cpu.steps,
            cpu.lr, cpu.dropout) == (4, 4, 128, 64, 12, 2000, 1e-3, 0.0)
    assert (gpu.n_layer, gpu.n_head, gpu.d_model, gpu.block_size, gpu.batch, gpu.steps,
            gpu.lr, gpu.dropout) == (6, 6, 384, 256, 64, 5000, 1e-3, 0.2)
    for r in (cpu, gpu):      # train_shakespeare_char.py: min_lr = lr / 10, beta2 0.99, ...
        assert (r.warmup, r.floor, r.beta2, r.weight_decay, r.bias, r.clip) == \
            (100, 0.1, 0.99, 0.1, False, 1.0)
    assert set(RECIPES) == {cpu.name, gpu.name, FAST_CPU.name}


@pytest.mark.parametrize("recipe", [NANOGPT_CPU, NANOGPT_GPU, FAST_CPU])
def test_parameter_count_is_nanogpts(recipe):
    model = GPT(recipe.config(65))
    assert model.num_params() == nanogpt_params(recipe.n_layer, recipe.d_model, 65,
                                                recipe.block_size)
    if recipe is NANOGPT_CPU:      # nanoGPT prints 0.80M (position table left out)
        assert round(model.num_params() - 64 * 128 - 65, -4) == 800_000


def test_fused_adamw_on_a_gpu_only_unless_asked():
    assert NANOGPT_CPU.optimizer("cpu").keywords == {"betas": (0.9, 0.99), "fused": False}
    assert NANOGPT_CPU.optimizer("cuda").keywords["fused"] is True
    assert FAST_CPU.optimizer("cpu").keywords["fused"] is True


def test_fit_is_seeded_and_records_time_to_loss():
    data = char_split(TEXT)
    tiny = GPTRecipe("tiny", n_layer=1, n_head=2, d_model=16, block_size=16, batch=4,
                     steps=30, lr=1e-2, warmup=5)
    runs = [tiny.fit(data, eval_every=10, device="cpu") for _ in range(2)]
    (m1, h1), (m2, h2) = runs
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(),
                                                 m2.state_dict().values()))
    assert [s for s, _ in h1["valid_loss"]] == [10, 20, 30]
    assert h1["valid_loss"] == h2["valid_loss"] and len(h1["valid_seconds"]) == 3
    assert h1["valid_loss"][-1][1] < h1["valid_loss"][0][1]
    assert m1.vocab is data.vocab and not m1.training
    assert tiny.replace(steps=5).steps == 5 and tiny.steps == 30


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="CharData"):
        FAST_CPU.fit("some text")
    with pytest.raises(ValueError, match="steps"):
        FAST_CPU.fit(char_split(TEXT), steps=0)
