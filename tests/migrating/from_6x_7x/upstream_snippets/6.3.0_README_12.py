import os
from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

s = Speakeasy(
    security=shared.Security(
        api_key=os.getenv("API_KEY", ""),
    ),
)


res = s.schemas.register_schema(request={
    "request_body": {
        "file": {
            "content": open("<file_path>", "rb"),
            "file_name": "your_file_here",
        },
    },
    "api_id": "<value>",
    "version_id": "<value>",
})

if res is not None:
    # handle response
    pass

