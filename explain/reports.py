"""MODEL: reports built from several engines: the autograd graph, the three-way CrossCheck and
the Worksheet (problems with verified, worked answers).

Arrays are NumPy float64 arrays (typed as Any here so that model modules stay free of NumPy's
import); they are never mutated after the report is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from explain.expr import Parsed
from explain.steps import Derivation

Array = Any
"""A numpy.ndarray (float64 unless the report says otherwise)."""


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One node of the graph PyTorch built: a backward function, a leaf, or a cut.

    `id` is stable within a report ("n0", "n1", ... in the order the user wrote the operations;
    leaves are named after their variable); `name` is PyTorch's (PowBackward0, AccumulateGrad);
    `rule` the calculus rule it applies; `local` its local derivative as text and LaTeX;
    `inputs` the ids it passes gradients to (PyTorch's next_functions, in order, None edges
    for constants left out); `expression` the sub-expression it computes, as written.
    """

    id: str
    name: str
    rule: str
    local: tuple[str, str]
    inputs: tuple[str, ...]
    shape: tuple[int, ...]
    requires_grad: bool
    is_leaf: bool
    expression: str
    kind: Literal["op", "leaf", "cut"] = "op"


@dataclass(frozen=True, slots=True)
class Graph:
    """The autograd graph of one expression: nodes in written order, and the output node's id."""

    nodes: tuple[GraphNode, ...]
    output: str
    source: str  # the expression as typed


@dataclass(frozen=True, slots=True)
class InputCheck:
    """The three answers for one input tensor (or scalar), element by element.

    `finite_difference` holds estimates only at `fd_indices` (flat indices; all elements when
    the tensor is small); `fd_error` is each estimate's own error bound.
    """

    name: str
    shape: tuple[int, ...]
    value: Array
    exact: Array
    autograd: Array
    finite_difference: Array
    fd_error: Array
    fd_indices: Array
    max_abs_error: float  # exact vs autograd
    max_rel_error: float
    agrees: bool  # exact and autograd within the tolerance (nan with nan, inf with the same inf)
    fd_max_abs_error: float  # exact vs finite differences, at the sampled elements
    fd_within_error: bool


@dataclass(frozen=True, slots=True)
class GradientFormula:
    """∂f/∂x_ij = expression: `index` "ij" for any element of an elementwise gradient, "0,1" for
    one element of a per-element one, "" for a scalar; element symbols print as written."""

    name: str
    index: str
    expression: Any
    matrix: bool = False  # ∇_name f as a matrix expression (Aᵀ(Aw − b)), not one element's


Verdict = Literal["agree", "differs by convention", "disagree"]


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """Exact gradient (SymPy → NumPy), PyTorch autograd and finite differences, side by side.

    `form` says how the exact side was obtained: "elementwise" (a scalar derivation applied to
    every element: `derivations` holds one per input), "matrix" (a closed matrix formula, in
    `formula`), or "per-element" (small tensors, each element a SymPy symbol).
    """

    parsed: Parsed
    wrt: tuple[str, ...]
    form: Literal["elementwise", "matrix", "per-element"]
    formulas: tuple[GradientFormula, ...]
    derivations: tuple[Derivation, ...]
    inputs: tuple[InputCheck, ...]
    output: float
    dtype: Literal["float64", "float32"]
    tolerance: float
    verdict: Verdict
    summary: str  # one sentence: "all three agree within 1e-9", or who disagrees and why
    notes: tuple[str, ...]
    graph: Graph


# --- worksheets -----------------------------------------------------------------------------

ProblemKind = Literal["derivative", "value", "gradient", "code", "mistake"]
"""derivative: d/dx (partial, order n); value: the derivative at a point; gradient: of a tensor
expression at given values; code: a tensor attribute (x.grad) after an autograd script;
mistake: a student's wrong derivative (from the mistake catalogue) to find the mistake in."""


@dataclass(frozen=True, slots=True)
class CodeAnswer:
    """What `question` (`x.grad`) holds after the script ran: the narrated run and the value.

    `value` is the tensor's .grad (NumPy array) as the narrator's backward events left it.
    """

    narration: Any  # explain.events.Narration (a sibling model module: not imported here)
    tensor: str
    value: Array


@dataclass(frozen=True, slots=True)
class MistakeAnswer:
    """The key of a find-the-mistake problem: the mistake as `explain check` names it, the
    correct derivative with its steps, and a point where the wrong and right derivatives differ.

    `mistake` is an explain.grades.Mistake (code, title, step of the Derivation) and `witness`
    an explain.grades.Witness (the point; `answer` the wrong value, `expected` the right one):
    grades is a sibling model module, not imported here.
    """

    mistake: Any
    derivation: Derivation
    witness: Any


Answer = Derivation | CrossCheck | CodeAnswer | MistakeAnswer
"""The worked answer of a problem: the steps (and value at a point), the gradient cross-check
of a tensor problem, the narrated script, or the mistake named with the right steps."""


@dataclass(frozen=True, slots=True)
class Differentiate:
    """Find d/dx f (∂/∂x with several variables; order n): the function as written."""

    function: Parsed
    variable: str
    order: int
    partial: bool


@dataclass(frozen=True, slots=True)
class EvaluateAt:
    """Find the derivative's value at a point (`point`: name → exact value; `at` as written)."""

    function: Parsed
    variable: str
    order: int
    partial: bool
    point: tuple[tuple[str, Any], ...]
    at: str


@dataclass(frozen=True, slots=True)
class TensorGradient:
    """Find ∂f/∂variable of a tensor expression at the given tensor values (`at` as written)."""

    function: Parsed
    variable: str
    at: str


@dataclass(frozen=True, slots=True)
class CodeQuestion:
    """What does `question` (`x.grad`, of tensor `tensor`) hold after the script runs?"""

    script: str
    question: str
    tensor: str


@dataclass(frozen=True, slots=True)
class FindMistake:
    """A student wrote `wrong` for d/dx f (order n): what went wrong, and what is right?

    `wrong` is the wrong derivative (SymPy), `wrong_text` the same in explain's syntax (the
    text `explain check` judged).
    """

    function: Parsed
    variable: str
    order: int
    partial: bool
    wrong: Any
    wrong_text: str


Task = Differentiate | EvaluateAt | TensorGradient | CodeQuestion | FindMistake
"""What a problem asks (a closed union: each renderer matches every case)."""

KIND_OF_TASK: dict[type, ProblemKind] = {
    Differentiate: "derivative", EvaluateAt: "value", TensorGradient: "gradient",
    CodeQuestion: "code", FindMistake: "mistake",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SheetProblem:
    """One problem as printed on one sheet, with its worked, verified answer.

    `expected` is the answer in explain's own syntax (the grading key's `expected`);
    `verified` says how the answer was confirmed (exact vs autograd); `parameters` the
    template's values (name → text) that made this problem.
    """

    id: str
    points: int
    space: float  # centimetres of working space under the problem (0: none)
    prompt: str  # the teacher's own words, or "" for the standard wording
    task: Task
    answer: Answer
    expected: str
    verified: str
    parameters: tuple[tuple[str, str], ...] = ()

    @property
    def kind(self) -> ProblemKind:
        return KIND_OF_TASK[type(self.task)]


@dataclass(frozen=True, slots=True)
class Variant:
    """One student's sheet: its id ("07"; "" for a single sheet), its problems in order, and the
    student it was made for (from a roster; "" when unknown)."""

    id: str
    problems: tuple[SheetProblem, ...]
    student: str = ""


@dataclass(frozen=True, slots=True)
class Worksheet:
    """A worksheet: the spec's title and texts, the seed, and one Variant per sheet."""

    title: str
    course: str
    date: str
    instructions: str
    seed: int
    variants: tuple[Variant, ...]

    @property
    def points(self) -> int:
        return sum(p.points for p in self.variants[0].problems) if self.variants else 0
