"""Generated training loops: the narration's stdout, gradients and updates are a real run's."""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explain.events import Updated
from explain.narrate import narrate
from tests.test_narrate_samples import final_grads, real_tensor

MODELS = [
    "model = nn.Linear(2, 1)",
    "model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))",
    "model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1), nn.Sigmoid())",
]
LOSSES = [
    "loss = loss_fn(model(inputs), targets)",
    "loss = ((model(inputs) - targets) ** 2).mean()",
    "loss = F.mse_loss(model(inputs), targets) + 0.1 * (model(inputs) ** 2).sum()",
]
OPTIMIZERS = ["torch.optim.SGD(model.parameters(), lr={lr})",
              "torch.optim.SGD(model.parameters(), lr={lr}, momentum=0.9)",
              "torch.optim.Adam(model.parameters(), lr={lr})"]  # fmt: skip
RATES = [0.01, 0.1]


@st.composite
def loops(draw: st.DrawFn) -> str:
    lines = [
        "import torch", "from torch import nn", "import torch.nn.functional as F",
        f"torch.manual_seed({draw(st.integers(0, 50))})", draw(st.sampled_from(MODELS)),
        "loss_fn = nn.MSELoss()",
        "optimizer = " + draw(st.sampled_from(OPTIMIZERS)).format(lr=draw(st.sampled_from(RATES))),
        "inputs = torch.randn(4, 2)", "targets = torch.rand(4, 1)",
        f"for step in range({draw(st.integers(1, 5))}):",
    ]  # fmt: skip
    if draw(st.booleans()):
        lines.append("    optimizer.zero_grad()")
    lines.append("    " + draw(st.sampled_from(LOSSES)))
    lines.append("    loss.backward()")
    if draw(st.booleans()):
        lines.append("    optimizer.step()")
    else:
        lines.append("    with torch.no_grad():\n        for p in model.parameters():\n"
                     "            p -= 0.05 * p.grad")  # fmt: skip
    lines.append("    print(step, f'{loss.item():.6f}')")
    return "\n".join(lines) + "\n"


def real(source: str) -> tuple[str, dict[str, Any]]:
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "<loop>", "exec"), namespace)  # noqa: S102  (generated here)
    return out.getvalue(), namespace


@settings(max_examples=25, deadline=None)
@given(source=loops())
def test_generated_training_loops_match_a_real_run(source: str) -> None:
    narration = narrate(source)
    stdout, namespace = real(source)
    assert narration.stdout == stdout
    for name, grad in final_grads(narration).items():
        tensor = real_tensor(namespace, name)
        assert grad is not None and tensor.grad is not None
        assert np.array_equal(grad, tensor.grad.double().numpy()), name
    last: dict[str, Any] = {}
    for event in narration.events:
        if isinstance(event, Updated):
            last[event.tensor] = event.after
    for name, after in last.items():
        assert np.array_equal(after, real_tensor(namespace, name).detach().double().numpy())
