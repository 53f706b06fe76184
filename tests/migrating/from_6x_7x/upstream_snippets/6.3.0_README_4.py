import os
from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

s = Speakeasy(
    server="prod",
    security=shared.Security(
        api_key=os.getenv("API_KEY", ""),
    ),
)


res = s.apis.delete_api(request={
    "api_id": "<value>",
    "version_id": "<value>",
})

if res is not None:
    # handle response
    pass

