"""``events.track()``: one event per run, filled from the run and its environment.

===============  ===========================================================
module           owns
===============  ===========================================================
``run``          ``Run`` (the context manager), ``track``/``tracked``, the
                 client's tracking batcher, the facts gathered once
``environment``  CI, GitHub Actions fields, the masked command line
``git``          the repository's facts, read from its files
``ids``          UUIDv7 event ids and the execution id rules
===============  ===========================================================

Nothing is imported here: ``Events.track`` imports ``run`` on first use.
"""
