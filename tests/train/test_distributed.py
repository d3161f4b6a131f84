"""DistributedDataParallel: two CPU processes (gloo, 127.0.0.1) end with identical weights,
equal to one process trained on the same global batches."""

import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from tinylm import ddp_setup, ddp_worker

from lmkit.train import load_checkpoint, train
from lmkit.train.distributed import DistContext, init, shard, split_batch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(), reason="no gloo")
@pytest.mark.parametrize("recurrent", [False, True], ids=["feed-forward", "recurrent"])
def test_two_processes_match_one_with_the_same_global_batch(tmp_path, recurrent):
    mp.spawn(ddp_worker, args=(2, free_port(), str(tmp_path), recurrent), nprocs=2, join=True)
    r0, r1 = (torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    for k in r0["model"]:
        assert torch.equal(r0["model"][k], r1["model"][k]), k     # the ranks agree exactly
    torch.manual_seed(0)
    model, batches = ddp_setup(recurrent)
    hist = train(model, batches, steps=30, lr=0.01, warmup=5, progress=False)
    for k, v in model.state_dict().items():
        torch.testing.assert_close(r0["model"][k], v, rtol=1e-4, atol=1e-5)
    assert r0["tokens"] == hist["tokens"]
    torch.manual_seed(0)
    untrained, _ = ddp_setup(recurrent)
    assert not torch.allclose(untrained.out.weight, model.out.weight, atol=1e-3)  # it did train
    ck = load_checkpoint(tmp_path / "ck.pt")                     # rank 0 wrote it, with both
    assert ck["step"] == 30 and len(ck["ranks"]) == 2 and ck["settings"]["world_size"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.pt", "rank0.pt", "rank1.pt"]


def test_batches_are_split_by_rows_and_a_single_process_is_rank_0_of_1(monkeypatch):
    x, y = torch.arange(10).view(5, 2), torch.arange(5)
    assert split_batch((x, y), 0, 2)[0].tolist() == [[0, 1], [2, 3], [4, 5]]
    part = split_batch({"x": x, "targets": y, "n": 3}, 1, 2)
    assert torch.equal(part["x"], x[3:]) and torch.equal(part["targets"], y[3:]) and part["n"] == 3
    assert [b[1].tolist() for b in shard([(x, y)] * 2, 1, 2)] == [[3, 4], [3, 4]]
    with pytest.raises(ValueError, match="a batch of 1 rows cannot be shared by 2 processes"):
        split_batch(y[:1], 0, 2)
    with pytest.raises(ValueError, match=r"rank \(of 2 processes\) must be an integer in \[0, 1\]"):
        split_batch(y, 2, 2)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert init() == DistContext(0, 1, 0) and init().main and not init().active
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.delenv("MASTER_ADDR", raising=False)
    with pytest.raises(ValueError, match="MASTER_ADDR is not set: start the script with torchrun"):
        init()
    monkeypatch.setenv("WORLD_SIZE", "two")
    with pytest.raises(ValueError, match="WORLD_SIZE='two' is not an integer"):
        init()
