"""6.x/7.x's ``speakeasy_client_sdk_python.types``: the "not given" sentinel and its aliases.

``UNSET`` is accepted where 7.x's signatures default to it (``Speakeasy(retry_config=...)``
and each call's ``retries=``) and means what it means there: the client's own policy.
``Nullable[T]`` and ``OptionalNullable[T]`` are the same typing aliases as 7.x's. 7.x's
``BaseModel`` (pydantic's) is not here: this SDK's models are dataclasses, not pydantic models.
"""

from speakeasy._upstream import UNSET as UNSET
from speakeasy._upstream import UNSET_SENTINEL as UNSET_SENTINEL
from speakeasy._upstream import Nullable as Nullable
from speakeasy._upstream import OptionalNullable as OptionalNullable
from speakeasy._upstream import Unset as Unset

__all__ = ["UNSET", "UNSET_SENTINEL", "Nullable", "OptionalNullable", "Unset"]
