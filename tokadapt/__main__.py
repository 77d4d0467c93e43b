import sys

from tokadapt.cli import main

sys.exit(main())
