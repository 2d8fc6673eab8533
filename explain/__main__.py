"""python -m explain: the same as the `explain` command."""

from explain.cli import main

main()
