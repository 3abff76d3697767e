"""Monthly cost of an estate from its spec, plan and a price table (``bulkheads cost``).

``traffic`` turns declared throughput into topic rates, ``prices`` holds the overridable
price table (stack config ``bulkheads:prices``), ``estimate`` prices storage, replay and
mirror traffic and worker compute with every formula shown. Nothing reads the network.
"""
