import dateutil.parser
from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

with Speakeasy(
    security=shared.Security(
        api_key="<YOUR_API_KEY_HERE>",
    ),
) as speakeasy:

    res = speakeasy.events.post(request={
        "request_body": [
            {
                "created_at": dateutil.parser.isoparse("2025-03-02T10:07:28.113Z"),
                "execution_id": "<id>",
                "id": "<id>",
                "interaction_type": shared.InteractionType.AUTHENTICATE,
                "local_started_at": dateutil.parser.isoparse("2025-08-12T17:54:17.538Z"),
                "speakeasy_api_key_name": "<value>",
                "speakeasy_version": "<value>",
                "success": True,
                "workspace_id": "<id>",
            },
        ],
        "workspace_id": "<id>",
    })

    assert res is not None

    # Handle response
    print(res)

