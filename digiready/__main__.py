"""``python -m digiready``: the ``digiready`` command, where the console script is not on PATH."""
import sys

from digiready.cli.main import main

sys.exit(main())
