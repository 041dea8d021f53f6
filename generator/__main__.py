"""`python -m generator` runs the command line."""

from generator.launcher import main

main()
