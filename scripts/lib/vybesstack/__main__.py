"""python3 -m vybesstack CMD ...: scripts/vybes-dev."""
import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
