"""The ``speakeasy-events`` command (docs/cli.md).

==============  ==========================================================
module          owns
==============  ==========================================================
``main``        the parser, ``--help``, exit codes; imports nothing heavy
``config``      settings from flags and ``SPEAKEASY_*`` variables, the client
``runcmd``      ``run``: a command wrapped, one event recorded
``commands``    ``post``, ``search``, ``targets``, ``tail``, ``serve``
``output``      tables, JSON, JSON lines, CSV; colour on a terminal only
==============  ==========================================================

``main`` imports the SDK only once a command runs, so that ``--help`` is instant.
"""
