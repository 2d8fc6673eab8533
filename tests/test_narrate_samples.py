"""Every sample script: the narrator's gradients are the ones a real run leaves in .grad.

The samples are trusted files of this repository, so the test runs each one with Python's own
`exec` beside the narrator and compares, leaf by leaf, the `.grad` the narration ends with
(replaying its backward and clearing events) with the real one.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from explain.events import Backward, GradCleared, Narration, Raised
from explain.narrate import narrate

ROOT = Path(__file__).resolve().parents[1] / "samples"
SAMPLES = sorted((ROOT / "tutorial").glob("*.py")) + sorted((ROOT / "autograd").glob("*.py"))

ERRORS = {
    "05_detach_error": "does not require grad and does not have a grad_fn",
    "backward_twice": "Trying to backward through the graph a second time",
    "non_scalar_backward": "grad can be implicitly created only for scalar outputs",
    "inplace_leaf": "a leaf Variable that requires grad is being used in an in-place operation",
    "version_counter": "modified by an inplace operation",
    "integer_requires_grad": "Only Tensors of floating point and complex dtype can require",
    "inference_mode": "Inference tensors cannot be saved for backward",
}
"""Samples that end in an error, and a part of torch's own message."""


def final_grads(narration: Narration) -> dict[str, Any]:
    """Each tensor's .grad at the end, as the narration tells it."""
    grads: dict[str, Any] = {}
    for event in narration.events:
        if isinstance(event, Backward):
            grads.update({c.tensor: c.after for c in event.grads})
        elif isinstance(event, GradCleared):
            previous = grads.get(event.tensor)
            keep = event.how == "zero_()" and previous is not None
            grads[event.tensor] = np.zeros_like(previous) if keep else None
    return grads


def real_run(source: str) -> dict[str, Any]:
    """The sample run by Python itself (it may end in its error), its globals afterwards."""
    namespace: dict[str, Any] = {}
    quiet = contextlib.redirect_stdout(io.StringIO())
    with quiet, warnings.catch_warnings(), contextlib.suppress(Exception):
        warnings.simplefilter("ignore")
        exec(compile(source, "<sample>", "exec"), namespace)  # noqa: S102  (our own sample file)
    return namespace


def real_tensor(namespace: dict[str, Any], name: str) -> Any:
    """x, or model.0.weight (a module's parameter by its dotted name)."""
    owner, _, rest = name.partition(".")
    value = namespace[owner]
    return dict(value.named_parameters())[rest] if rest else value


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_narrated_grad_is_the_real_grad(sample: Path) -> None:
    source = sample.read_text(encoding="utf-8")
    narration = narrate(source)
    namespace = real_run(source)
    for name, grad in final_grads(narration).items():
        real = real_tensor(namespace, name).grad
        if grad is None:
            assert real is None, name
        else:
            assert np.array_equal(grad, real.double().numpy()), name


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_symbolic_added_agrees_with_torch(sample: Path) -> None:
    narration = narrate(sample.read_text(encoding="utf-8"))
    for event in narration.events:
        if isinstance(event, Backward):
            assert not event.notes or all("disagrees" not in n for n in event.notes)
            for change in event.grads:
                if change.exact is not None:
                    assert np.allclose(change.exact, change.added, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("stem", "needle"), ERRORS.items())
def test_error_samples_end_in_torchs_error_explained(stem: str, needle: str) -> None:
    path = next(p for p in SAMPLES if p.stem == stem)
    last = narrate(path.read_text(encoding="utf-8")).events[-1]
    assert isinstance(last, Raised) and needle in last.message
    assert last.explanation and last.fix


def test_samples_cover_every_error_of_the_issue() -> None:
    stems = {p.stem for p in SAMPLES}
    assert set(ERRORS) <= stems
    assert {"sgd_with_zero_grad", "sgd_without_zero_grad", "non_leaf_grad"} <= stems
