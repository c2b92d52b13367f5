"""`python -m consumers.extract`: see consumers.extract.cli."""

import sys

from .cli import main

sys.exit(main())
