"""The distribution's version.

5.9.16: the next patch of the 5.9 line this package replaces (upstream's last release of
that line is 5.9.15, and upstream never published a 5.9.16), so an installed copy satisfies
``>=5`` and ``~=5.9`` pins. Why not another number: docs/migrating-from-5x.md.
"""

__version__ = "5.9.16"
