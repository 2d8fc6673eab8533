"""Every resource limit of explain, as a named constant (one place to read and to tune)."""

from __future__ import annotations

# --- text -------------------------------------------------------------------------------
MAX_INPUT_CHARS = 2_000
"""Longest expression, answer or point accepted, counted before any trimming."""

MAX_NODES = 2_000
"""Most nodes an expression tree may have."""

MAX_PIECES = 20
"""Most pieces in one function defined by cases (Piecewise(...) or \\begin{cases})."""

MAX_DEPTH = 64
"""Deepest nesting of parentheses, calls and operators."""

MAX_TREE_HEIGHT = 200
"""Tallest expression tree: a sum of n terms is n levels tall, so this also bounds long chains."""

MAX_INT_DIGITS = 100
"""Most digits in one written number (before or after the decimal point)."""

MAX_SCI_EXPONENT = 400
"""Largest |n| in scientific notation such as 1e-n (float64 ends near 1e308)."""

# --- arithmetic on constants --------------------------------------------------------------
MAX_EXPONENT = 10_000
"""Largest |n| of a constant exponent, checked before any power is computed."""

MAX_RESULT_DIGITS = 4_000
"""Most digits a constant computed from the input may have (Python prints at most 4300)."""

MAX_FACTORIAL_ARG = 1_000
"""Largest n in factorial(n)."""

# --- derivation ---------------------------------------------------------------------------
MAX_ORDER = 10
"""Highest derivative order (--order)."""

MAX_VARIABLES = 10
"""Most variables in one gradient (--wrt x,y,...)."""

SIMPLIFY_SECONDS = 0.5
"""Time budget for sympy.simplify of one result; past it the tidied result is shown."""

CHECK_SECONDS = 1.0
"""Time budget for confirming that the step tree's result equals sympy.diff."""

BOUNDARY_SECONDS = 1.0
"""Time budget for checking one point where two pieces meet (limits of the pieces and of their
derivatives); past it nothing is said about that point."""

EVAL_SECONDS = 1.0
"""Time budget for evaluating a derivative exactly at a point."""

CHECK_DIGITS = 30
"""Working precision (decimal digits) of numeric confirmations."""

MAX_SECONDS_PER_ITEM = 10.0
"""Wall-clock limit for one whole request (one derivation, one answer): past it, a clear error."""

# --- tensors --------------------------------------------------------------------------------
MAX_TENSOR_ELEMENTS = 10_000_000
"""Most elements in one tensor value (checked before anything is allocated)."""

MAX_VALUE_CHARS = 200_000
"""Longest --at text (tensor literals are longer than expressions)."""

MAX_SYMBOLIC_ELEMENTS = 400
"""Most tensor elements for the per-element exact derivation (non-elementwise expressions)."""

FD_SAMPLE = 64
"""Elements checked by finite differences when a tensor is larger than this."""

# --- scripts ---------------------------------------------------------------------------------
MAX_SCRIPT_CHARS = 100_000
"""Longest script `explain run` reads (checked before parsing)."""

# --- explain run: a narrated script ------------------------------------------------------------

MAX_SCRIPT_STATEMENTS = 10_000
"""Most statements a narrated script may contain (counted before it runs)."""

MAX_STEPS = 50_000
"""Most statements one narration executes (loops and calls included)."""

MAX_SCRIPT_SECONDS = 20.0
"""Wall-clock limit for one narration, torch's first import included."""

MAX_LOOP_ITERATIONS = 10_000
"""Longest range() a script may loop over."""

MAX_CALL_DEPTH = 20
"""Deepest nesting of a script's own function calls."""

MAX_INT_BITS = 10_000
"""Largest Python integer (in bits) arithmetic in a script may produce."""

MAX_CREATED_ELEMENTS = 1_000_000
"""Most elements one tensor creation or one operation may produce (checked before it runs)."""

MAX_TOTAL_ELEMENTS = 100_000_000
"""Most elements all of a script's operations together may produce."""

MAX_LIST_ITEMS = 10_000
"""Longest list a script may build with append()."""

MAX_FORMAT_WIDTH = 1_000
"""Widest field an f-string or format spec may ask for."""

MAX_SHADOW_PARAMETERS = 32
"""Most parameters a torch.nn model may have and still get symbolic formulas (else numbers)."""

NARRATED_ITERATIONS = 3
"""Iterations of a loop narrated one by one (plus the last); the others run quietly."""

# --- worksheets ------------------------------------------------------------------------------
MAX_SPEC_BYTES = 200_000
"""Largest worksheet spec (TOML) read."""

MAX_PROBLEMS = 60
"""Most problems on one worksheet."""

MAX_VARIANTS = 500
"""Most variants (--variants) of one worksheet."""

MAX_RESAMPLES = 200
"""Most draws of a template's parameters before a problem (or a whole sheet) is given up as
degenerate (a zero derivative, undefined at the point, or a duplicate)."""

MAX_PARAMETER = 10_000
"""Largest |value| of an integer template parameter."""

MAX_SPEC_TEXT_CHARS = 2_000
"""Longest title, instructions, prompt or choice string in a spec (scripts: MAX_SCRIPT_CHARS)."""

# --- grading ---------------------------------------------------------------------------------
ANSWER_SECONDS = 1.0
"""Hard wall-clock limit for judging one answer (past it the verdict is "timeout")."""

PROOF_SECONDS = 0.5
"""Budget for the symbolic proof of an answer that agrees numerically (within ANSWER_SECONDS)."""

MAX_FIELD_CHARS = 2_000
"""Longest cell of a submissions file (student, problem, answer): longer is an invalid row."""

MAX_KEY_PROBLEMS = 1_000
"""Most problems (over all variants) in a grading key."""
