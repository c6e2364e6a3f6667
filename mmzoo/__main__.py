"""`python -m mmzoo`: the `mmzoo` command."""

import sys

from mmzoo.cli import main

if __name__ == "__main__":
    sys.exit(main())
