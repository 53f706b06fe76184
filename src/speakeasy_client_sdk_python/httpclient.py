"""Upstream's ``speakeasy_client_sdk_python.httpclient``: not here, and importing it says why.

6.x/7.x define ``HttpClient`` and ``AsyncHttpClient`` there, the httpx interface a custom
``client=``/``async_client=`` implements. This SDK sends with requests and aiohttp, so a
class written against that interface cannot work here; the import fails with what to use.
"""

raise ImportError(
    "speakeasy_client_sdk_python.httpclient (upstream's httpx client interface, HttpClient "
    "and AsyncHttpClient) is not part of this SDK, which sends with requests and aiohttp: "
    "pass a requests.Session as client= or an aiohttp.ClientSession as async_client= "
    "(see docs/migrating-from-6x-7x.md)",
    name=__name__,
)
