"""The replay scheduler: replay connectors run only inside their class window, start where
they declare, and stop themselves when they reach ``until`` (``bulkheads replay ...``)."""
