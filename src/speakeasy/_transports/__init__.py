"""The edges' transports: the only modules that import an HTTP library.

- ``_base``: the contract (``Transport``, ``AsyncTransport``), and the values they
  exchange with the core (``Spec``, ``Bound``, ``Received``);
- ``_requests``: the sync edge, on requests and urllib3 (with ``_deadline``, the
  watchdog that cuts a stalled socket at the attempt's deadline);
- ``_aiohttp``: the async edge, on aiohttp (imported on the first async call).

Every workaround for a library's behaviour lives in that library's module, and
is pinned by a test naming the library versions it was written for (the ranges
are declared in pyproject.toml).
"""
