"""Worksheet specs shared by the worksheet tests (a fixed sheet of every kind, injections)."""

from __future__ import annotations

FIXED = '''
title = "Derivatives: one of each kind"
course = "Calculus I"
date = "Week 6"
instructions = "Show your working."

[problems.product]
function = "x^2 sin(x)"
points = 2

[problems.partial]
function = "x y^2 + exp(x y)"
variable = "y"

[problems.second]
function = "ln(x)/x"
order = 2
points = 3

[problems.value]
function = "2x^2 + sin x"
at = "x=1"

[problems.blog]
function = "torch.sum(x**2 + 2*x + 1)"
at = "x=[[1.0, 2.0], [3.0, 4.0]]"
points = 2

[problems.accumulate]
script = """
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.sum(x ** 2)
y.backward()
z = torch.sum(3 * x)
z.backward()
"""
question = "x.grad"
points = 2

[problems.mistake]
kind = "mistake"
function = "sin(x^2)"
mistake = "chain_missing_inner"
points = 2
'''

TEMPLATE = '''
title = "Templates"

[problems.power]
function = "{a} x^{n} + sin({b} x)"
[problems.power.params]
a = {int = [2, 9], nonzero = true}
n = {int = [2, 5]}
b = {choice = [2, 3, 5]}

[problems.grad]
function = "torch.sum(x**2 + {a}*x)"
at = "x=[{b}, 2.0]"
[problems.grad.params]
a = {int = [1, 4]}
b = {int = [-3, 3]}

[problems.code]
script = """
x = torch.tensor([{a}.0, 1.0], requires_grad=True)
y = torch.sum(x ** {n})
y.backward()
"""
question = "x.grad"
[problems.code.params]
a = {int = [-5, 5], nonzero = true}
n = {choice = [2, 3]}

[problems.mistake]
kind = "mistake"
function = "x^2 sin(x)"
'''

INJECTIONS = (
    r"\input{/etc/passwd}",
    r"\write18{touch /tmp/explain-pwned}",
    "^^5c^^5c",
    r"\end{minipage}",
    "100% & #1 $x$ a_b ~ {}",
)

INJECTED = r"""
title = '\input{/etc/passwd}'
course = '\write18{touch /tmp/explain-pwned}'
date = '^^5c^^5c'
instructions = "\\end{minipage} and a bell\u0007"

[problems.p1]
function = "x^3"
prompt = '100% & #1 $x$ a_b ~ {}'
"""
