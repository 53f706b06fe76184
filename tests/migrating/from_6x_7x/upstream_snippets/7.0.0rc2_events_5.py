from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

with Speakeasy(
    security=shared.Security(
        api_key="<YOUR_API_KEY_HERE>",
    ),
) as speakeasy:

    res = speakeasy.events.search(request={
        "workspace_id": "<id>",
    })

    assert res.cli_event_batch is not None

    # Handle response
    print(res.cli_event_batch)

