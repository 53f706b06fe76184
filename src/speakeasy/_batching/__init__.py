"""The event batcher: ``EventBatcher`` and the machinery behind it, one module per job.

Nothing is imported here, so that ``import speakeasy`` never pays for threads
or files: ``speakeasy.EventBatcher`` and ``s.events.batcher()`` import
``batcher`` on first use.

=============  ==============================================  =========================
module         owns                                            imports (in the package)
=============  ==============================================  =========================
``batcher``    the façade ``EventBatcher``; exit and fork       all the others
``worker``     the daemon thread: gathers, sends, settles       queue, batch, delivery,
                                                               journal, segment, transport
``queue``      shared state under one lock; every count write  batch, journal
``batch``      encoded events and their segment runs           segment
``delivery``   the verdict after one attempt (pure)            (``speakeasy._retry``)
``journal``    one batcher's segments: append, ack, release    spool, segment
``spool``      the directory and its files, safely opened      segment, options
``segment``    one segment file: mapped appends, acks, trim    nothing
``transport``  what a client hands a batcher                   nothing
``options``    checks of the options                           nothing
=============  ==============================================  =========================

Nothing here imports the client (``_events``, ``_client``, ``_http``): the
client hands a ``Transport`` over instead.
"""
