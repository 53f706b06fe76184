import os
from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

s = Speakeasy(
    security=shared.Security(
        api_key=os.getenv("API_KEY", ""),
    ),
)


res = s.events.get_workspace_events_by_target(request={
    "target_id": "<value>",
})

if res.cli_event_batch is not None:
    # handle response
    pass

