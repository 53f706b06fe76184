import dateutil.parser
import os
from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

s = Speakeasy(
    security=shared.Security(
        api_key=os.getenv("API_KEY", ""),
    ),
)


res = s.events.post_workspace_events(request={
    "request_body": [
        {
            "created_at": dateutil.parser.isoparse("2024-11-21T06:58:42.120Z"),
            "execution_id": "<value>",
            "id": "<id>",
            "interaction_type": shared.InteractionType.CLI_EXEC,
            "local_started_at": dateutil.parser.isoparse("2024-05-07T12:35:47.182Z"),
            "speakeasy_api_key_name": "<value>",
            "speakeasy_version": "<value>",
            "success": False,
            "workspace_id": "<value>",
        },
    ],
})

if res is not None:
    # handle response
    pass

