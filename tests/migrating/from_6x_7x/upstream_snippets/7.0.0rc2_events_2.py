from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import shared

with Speakeasy(
    security=shared.Security(
        api_key="<YOUR_API_KEY_HERE>",
    ),
) as speakeasy:

    res = speakeasy.events.get_targets(request={})

    assert res.target_sdk_list is not None

    # Handle response
    print(res.target_sdk_list)

