"""A problem made ready to answer: a derivative (symbolic), a gradient at tensor values, or the
.grad of a narrated autograd script, and the one function that judges an answer to any of them.

Autograd mistakes are found from the narration's own events: the accumulation forgotten (the
last backward's `added` alone), accumulation counted across a reset (every `added` summed),
and the gradient of a detached path counted (the script narrated again without .detach()).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np

from explain.errors import ExplainError, UsageError
from explain.events import Backward, GradCleared, Narration
from explain.grades import Problem, Verdict
from explain.grading import PROOF_SECONDS, Prepared, judge, prepare
from explain.grading.arrays import ArrayQuestion, WrongArray, array_text, judge_array

Question = Prepared | ArrayQuestion
QUESTION = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\.grad\s*")


def prepare_question(problem: Problem, seed: int = 0) -> Question:
    """The problem ready to judge answers (an ExplainError when the problem itself is bad)."""
    question: Question
    if problem.script is not None:
        question = _script_question(problem.script, problem.question or "")
    elif problem.function is not None and problem.at is not None and _has_tensor(problem.at):
        question = _tensor_question(problem)
    elif problem.expected is not None and _array(problem.expected) is not None:
        question = ArrayQuestion(f"a value equal to {problem.expected}", 0.0, [])
    else:
        return prepare(problem, seed)
    given = _array(problem.expected) if problem.expected is not None else None
    if given is not None:  # the key's expected value overrides the derived one
        question = dataclasses.replace(question, expected=given)
    return question


def _array(text: str) -> Any | None:
    """The key's `expected` as an array when it is a list or tensor, else None."""
    from explain.values import parse_value

    if not text.lstrip().startswith(("[", "tensor", "torch.", "np.", "numpy.")):
        return None
    return np.asarray(parse_value(text, label="expected").array, dtype=float)


def load_engine() -> None:
    """Import what preparing a problem needs (SymPy, the rules, the mistake catalogue) now:
    a process that forks workers calls it first, so that each worker does not import it again."""
    import explain.grading.mistakes
    import explain.grading.prove
    import explain.rules
    import explain.symbolic  # noqa: F401


def ask(question: Question, answer: str, proof_seconds: float = PROOF_SECONDS) -> Verdict:
    """The verdict on one answer."""
    if isinstance(question, ArrayQuestion):
        return judge_array(question, answer)
    return judge(question, answer, proof_seconds)


def _has_tensor(at: str) -> bool:
    from explain.values import parse_values

    return any(v.exact is None for v in parse_values(at))


def _tensor_question(problem: Problem) -> ArrayQuestion:
    from explain.crosscheck import crosscheck
    from explain.parse_latex import read
    from explain.values import parse_values

    parsed = read(problem.function or "", label="function")
    values = parse_values(problem.at or "")
    var = problem.variable or values[0].name
    report = crosscheck(parsed, values, (var,))
    (entry,) = [i for i in report.inputs if i.name == var]
    question = f"∂/∂{var} ({problem.function}) at {problem.at}"
    return ArrayQuestion(question, np.asarray(entry.exact, dtype=float), [])


def _script_question(script: str, asked: str) -> ArrayQuestion:
    from explain.narrate import narrate

    match = QUESTION.fullmatch(asked)
    if match is None:
        raise UsageError(
            f"the question must name a tensor's gradient, such as x.grad, not {asked!r}"
        )
    name = match.group(1)
    narration = narrate(script, filename="<script>")
    final = final_grad(narration, name)
    if final is None:
        raise UsageError(f"{name}.grad is None at the end of the script: there is nothing to ask")
    return ArrayQuestion(
        f"{name}.grad after the script", final, _wrong_grads(narration, name, final, script)
    )


def final_grad(narration: Narration, name: str) -> Any | None:
    """The value of name.grad after the script: the last backward's `after`, unless cleared."""
    value: Any | None = None
    for event in narration.events:
        if isinstance(event, Backward):
            for change in event.grads:
                if change.tensor == name:
                    value = np.asarray(change.after, dtype=float)
        elif isinstance(event, GradCleared) and event.tensor == name:
            value = None if event.how == "set to None" else np.zeros_like(value)
    return value


def _wrong_grads(narration: Narration, name: str, final: Any, script: str) -> list[WrongArray]:
    backwards = [
        (event.line, np.asarray(c.added, dtype=float), np.asarray(c.after, dtype=float))
        for event in narration.events
        if isinstance(event, Backward)
        for c in event.grads
        if c.tensor == name
    ]
    cleared = any(isinstance(e, GradCleared) and e.tensor == name for e in narration.events)
    wrong: list[WrongArray] = []
    if len(backwards) > 1:
        line, last, _ = backwards[-1]
        step = f"backward on line {line}"
        wrong.append(
            WrongArray(
                "accumulation_forgotten",
                "gradients accumulate: .grad also keeps the earlier backward's gradient",
                step,
                last,
            )
        )
        for earlier, _, after in backwards[:-1]:
            title = (
                "the later backward accumulates into .grad: "
                f"this is its value after line {earlier} only"
            )
            wrong.append(WrongArray("accumulation_forgotten", title, step, after))
        if cleared:
            total = sum((a for _, a, _ in backwards), np.zeros_like(final))
            wrong.append(
                WrongArray(
                    "accumulation_after_reset",
                    "the gradient was reset (zero_() or None): "
                    "the earlier backward no longer counts",
                    step,
                    total,
                )
            )
    detached = _without_detach(script, name)
    if detached is not None:
        wrong.append(
            WrongArray(
                "detached_path_counted",
                "a detached tensor is a constant: no gradient flows back through it",
                "detach()",
                detached,
            )
        )
    return wrong  # fmt: skip


def _without_detach(script: str, name: str) -> Any | None:
    """name.grad if the script had no .detach(): what a student who ignores detach computes."""
    if ".detach()" not in script:
        return None
    from explain.narrate import narrate

    try:
        return final_grad(narrate(script.replace(".detach()", ""), filename="<script>"), name)
    except ExplainError:
        return None


def timed_out(question: Question, answer: str, seconds: float) -> Verdict:
    """The verdict on an answer that took longer than the hard limit."""
    why = f"judging took longer than {seconds:g} s (limits.ANSWER_SECONDS)"
    return Verdict("timeout", question.question, answer, "", _expected(question), why, why)


def _expected(question: Question) -> str:
    if isinstance(question, ArrayQuestion):
        return array_text(question.expected)
    return question.expected
