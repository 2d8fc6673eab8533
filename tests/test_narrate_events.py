"""Each narration event kind of `explain run`, and the script features a training loop needs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explain.errors import LimitExceeded, ParseError
from explain.events import (
    Backward,
    Event,
    GradCleared,
    GradMode,
    GradRetained,
    GradReturned,
    LoopElided,
    ModuleCreated,
    OpRecorded,
    Printed,
    Updated,
    Warned,
)
from explain.narrate import narrate
from explain.render import render


def events(source: str, kind: type) -> list[Event]:
    return [e for e in narrate("import torch\n" + source).events if isinstance(e, kind)]


def test_optimizer_step_and_zero_grad_are_narrated() -> None:
    source = (
        "w = torch.tensor([1.0, -2.0], requires_grad=True)\n"
        "opt = torch.optim.SGD([w], lr=0.5)\n"
        "(w**2).sum().backward()\nopt.step()\nopt.zero_grad()\n"
    )
    (created,) = events(source, ModuleCreated)
    assert created.what == "SGD(lr=0.5)" and created.parameters == ("w",)
    (step,) = events(source, Updated)
    assert step.before.tolist() == [1.0, -2.0] and step.after.tolist() == [0.0, 0.0]
    assert step.is_leaf and step.how == "SGD: w -= lr * w.grad, with lr = 0.5"
    (cleared,) = events(source, GradCleared)
    assert cleared.tensor == "w" and cleared.how == "zero_grad()"


def test_zero_grad_without_set_to_none_zeroes_in_place() -> None:
    source = (
        "w = torch.ones(2, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"
        "w.sum().backward()\nopt.zero_grad(set_to_none=False)\nprint(w.grad)\n"
    )
    (cleared,) = events(source, GradCleared)
    assert cleared.how == "zero_()"
    assert narrate("import torch\n" + source).stdout == "tensor([0., 0.])\n"


def test_module_parameters_are_named_leaves_with_formulas_when_small() -> None:
    source = (
        "from torch import nn\ntorch.manual_seed(0)\nlin = nn.Linear(2, 1)\n"
        "x = torch.tensor([[1.0, 2.0]])\nloss = lin(x).sum()\nloss.backward()\n"
    )
    (created,) = events(source, ModuleCreated)
    assert created.parameters == ("lin.weight", "lin.bias")
    assert created.shapes == ((1, 2), (1,))
    (b,) = events(source, Backward)
    weight, bias = b.grads
    assert weight.added.tolist() == [[1.0, 2.0]] and bias.added.tolist() == [1.0]
    assert weight.formula is not None and not b.notes


def test_no_grad_update_keeps_the_leaf_and_plain_update_does_not() -> None:
    inside = events(
        "w = torch.ones(2, requires_grad=True)\nw.sum().backward()\n"
        "with torch.no_grad():\n    w -= 0.5 * w.grad\n",
        Updated,
    )
    assert inside[0].is_leaf and inside[0].after.tolist() == [0.5, 0.5]
    (op,) = events(
        "w = torch.ones(2, requires_grad=True)\nw.sum().backward()\nw = w - 0.5 * w.grad\n",
        OpRecorded,
    )
    assert op.grad_fn == "SubBackward0"


def test_in_place_on_a_non_leaf_changes_its_grad_fn() -> None:
    (update,) = events("x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.add_(1)\n", Updated)
    assert not update.is_leaf and update.grad_fn == "AddBackward0"
    assert update.after.tolist() == [3.0, 3.0]


def test_autograd_grad_returns_without_touching_grad() -> None:
    source = (
        "x = torch.tensor(2.0, requires_grad=True)\ny = x**3\n"
        "(g,) = torch.autograd.grad(y, x, create_graph=True)\n"
        "(h,) = torch.autograd.grad(g, x)\nprint(x.grad)\n"
    )
    first, second = events(source, GradReturned)
    assert first.grads[0].added.tolist() == 12.0 and str(first.grads[0].formula) == "3*x**2"
    assert first.create_graph and first.grads[0].after is None
    assert second.grads[0].added.tolist() == 12.0 and str(second.grads[0].formula) == "6*x"
    assert narrate("import torch\n" + source).stdout == "None\n"


def test_non_leaf_grad_warning_is_quoted_without_the_build_path() -> None:
    (warned,) = events("x = torch.ones(2, requires_grad=True)\ny = x * 2\nprint(y.grad)\n", Warned)
    assert warned.category == "UserWarning" and "not a leaf Tensor" in warned.message
    assert "Triggered internally" not in warned.message and warned.explanation


def test_retain_grad_keeps_an_intermediate_gradient() -> None:
    source = (
        "x = torch.ones(2, requires_grad=True)\ny = x * 3\ny.retain_grad()\n"
        "(y**2).sum().backward()\n"
    )
    assert [e.tensor for e in events(source, GradRetained)] == ["y"]
    (b,) = events(source, Backward)
    assert {c.tensor: c.added.tolist() for c in b.grads} == {"x": [18.0, 18.0], "y": [6.0, 6.0]}


@pytest.mark.parametrize(
    ("header", "recording"),
    [("torch.no_grad()", False), ("torch.set_grad_enabled(False)", False),
     ("torch.inference_mode()", False), ("torch.enable_grad()", True)],
)  # fmt: skip
def test_grad_modes(header: str, recording: bool) -> None:
    source = f"x = torch.ones(2, requires_grad=True)\nwith {header}:\n    y = x * 2\n"
    entered, left = events(source, GradMode)
    assert entered.entered and entered.recording is recording and not left.entered
    (op,) = events(source, OpRecorded)
    assert op.requires_grad is recording


def test_enable_grad_inside_no_grad_records_again() -> None:
    source = (
        "x = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n"
        "    with torch.enable_grad():\n        y = x * 2\n    z = x * 2\n"
    )
    y, z = events(source, OpRecorded)
    assert y.requires_grad and not z.requires_grad


def test_long_loops_are_narrated_three_times_then_quietly_but_print_everything() -> None:
    source = "import torch\nfor i in range(6):\n    x = torch.ones(1) * i\n    print(i)\n"
    narration = narrate(source)
    assert narration.stdout == "0\n1\n2\n3\n4\n5\n"
    (elided,) = [e for e in narration.events if isinstance(e, LoopElided)]
    assert (elided.first, elided.last, elided.total) == (4, 5, 6)
    assert len([e for e in narration.events if isinstance(e, OpRecorded)]) == 4
    assert len([e for e in narration.events if isinstance(e, Printed)]) == 6


def test_functions_if_break_and_fstrings() -> None:
    source = (
        "def square(t):\n    return t * t\n"
        "total = 0\nfor k in range(10):\n    if k == 3:\n        break\n"
        "    total += k\nx = torch.tensor(3.0, requires_grad=True)\ny = square(x)\n"
        "y.backward()\nprint(f'{total} {x.grad.item():.2f} {y!r}')\n"
    )
    narration = narrate("import torch\n" + source)
    assert narration.stdout == "3 6.00 tensor(9., grad_fn=<MulBackward0>)\n"
    (b,) = [e for e in narration.events if isinstance(e, Backward)]
    assert str(b.grads[0].formula) == "2*x"


@pytest.mark.parametrize(
    "source",
    [
        "def f(n):\n    return f(n)\nf(1)\n",
        "items = []\nfor i in range(10000):\n    items.append(i)\nitems.append(1)\n",
        "print(f'{1.0:>100000}')\n",
        "x = torch.arange(0, 10**9)\n",
        "x = torch.ones(3000, 1) @ torch.ones(1, 3000)\n",
        "n = 20000\nfor i in range(n):\n    pass\n",
    ],
)
def test_runtime_limits_are_one_line_errors(source: str) -> None:
    with pytest.raises(LimitExceeded) as info:
        narrate("import torch\n" + source)
    assert "\n" not in info.value.one_line()


@pytest.mark.parametrize(
    "source",
    ["for i in range(10**6):\n    pass\n", "while True:\n    pass\n", "import torch.utils\n",
     "from torch import load\n", "x = torch.load('f')\n", "x = torch.ones(2)\nx.storage()\n"],
)  # fmt: skip
def test_refused_before_running(source: str) -> None:
    with pytest.raises(ParseError, match="not allowed"):
        narrate("import torch\nprint('ran')\n" + source)


def test_json_of_the_new_events_is_documented_shape() -> None:
    source = (
        "w = torch.tensor([1.0], requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"
        "(w * 3).sum().backward()\nopt.step()\n"
    )
    data = json.loads(render(narrate("import torch\n" + source), "json"))
    kinds = [e["kind"] for e in data["events"]]
    assert kinds == ["tensor_created", "module_created", "backward", "updated"]
    updated = data["events"][-1]
    assert updated["before"] == [1.0] and np.isclose(updated["after"][0], 0.7)
    assert updated["tensor"] == "w" and updated["narration"]


def test_formulas_that_explode_give_way_to_numbers_in_time() -> None:
    source = (
        "x = torch.tensor([0.5, 1.0], requires_grad=True)\ny = x\nfor i in range(40):\n"
        "    y = y * x + torch.sin(y)\ny.sum().backward()\n"
        "z = torch.ones(20, 20, requires_grad=True)\n(z @ z @ z @ z).sum().backward()\n"
    )
    first, second = events(source, Backward)
    assert first.grads[0].formula is None and "too large" in first.notes[0]
    assert second.grads[0].added.tolist()[0][0] == 32000.0


def test_data_shares_storage_without_the_version_counter() -> None:
    source = (
        "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x**2\nd = x.data\nd.mul_(10)\n"
        "y.sum().backward()\n"
    )
    narration = narrate("import torch\n" + source)
    (detached,) = [e for e in narration.events if type(e).__name__ == "Detached"]
    assert detached.via == ".data" and detached.of == "x"  # type: ignore[attr-defined]
    (update,) = [e for e in narration.events if isinstance(e, Updated)]
    assert update.shares_with == "x" and not update.requires_grad
    (b,) = [e for e in narration.events if isinstance(e, Backward)]
    assert b.grads[0].added.tolist() == [20.0, 40.0] and not b.notes  # the changed values
