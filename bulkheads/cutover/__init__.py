"""Cutover operations on a live platform: gates (``gates``, ``live``), the phase override
the program reads (``phases``) and the ``bulkheads cutover`` verbs (``commands``)."""
