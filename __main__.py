"""The bulkheads Pulumi program (see ``bulkheads/program.py``)."""

from bulkheads.program import main

main()
