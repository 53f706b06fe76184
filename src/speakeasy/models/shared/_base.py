"""The base of the shared models: the compiled encoder and decoder behind the 5.x methods."""

from __future__ import annotations

import json
from typing import Any, Dict, Type, TypeVar, Union

from speakeasy._model import CODECS, JsonModel

#: The model class a classmethod is called on (``typing.Self``, which 3.9 lacks).
_M = TypeVar("_M", bound="WireModel")


class WireModel(JsonModel):
    """A model the compiled codecs write and read; to_dict and schema() are dataclasses-json's."""

    __slots__ = ()

    def to_json(self, **kw: Any) -> str:
        """The compact JSON this model is sent as (validated first).

        With ``json.dumps`` arguments (``indent=2``), dataclasses-json's JSON, unvalidated.
        """
        if kw:
            return super().to_json(**kw)
        return CODECS.encoder_for(type(self))(self)

    @classmethod
    def from_dict(cls: Type[_M], kvs: Dict[str, Any], *, infer_missing: bool = False) -> _M:
        """Read a parsed JSON object, checking every field's type.

        Unknown keys are ignored and unknown enum values kept as ``str``; a bad
        value raises ``ValueError`` naming the field (``created_at: missing``).
        ``infer_missing=True`` reads with dataclasses-json instead, absent fields as None.
        """
        if infer_missing:
            return super().from_dict(kvs, infer_missing=True)
        return CODECS.decoder_for(cls)(kvs)  # type: ignore[no-any-return]

    @classmethod
    def from_json(
        cls: Type[_M], s: Union[str, bytes], *, infer_missing: bool = False, **kw: Any
    ) -> _M:
        """Read a model from JSON text (``kw`` go to ``json.loads``)."""
        return cls.from_dict(json.loads(s, **kw), infer_missing=infer_missing)
