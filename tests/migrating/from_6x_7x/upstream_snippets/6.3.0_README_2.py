# Asynchronous Example
import asyncio
import os
from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

async def main():
    s = Speakeasy(
        security=shared.Security(
            api_key=os.getenv("API_KEY", ""),
        ),
    )
    res = await s.apis.get_apis_async()
    if res.apis is not None:
        # handle response
        pass

asyncio.run(main())
