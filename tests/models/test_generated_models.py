"""The generated model classes (``_codegen.ModelMeta``): dataclasses to every 5.x use,
without importing ``dataclasses`` or compiling anything at import."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from speakeasy._codegen import MISSING
from speakeasy.models import errors, operations, shared
from speakeasy.utils import BackoffStrategy, RetryConfig
from tests.support.factories import (
    MYPY_CACHE,
    ROOT,
    cli_event,
    run_in_fresh_interpreter,
    run_mypy_strict,
)


def _targets() -> List[type]:
    return [
        shared.CliEvent,
        shared.TargetSDK,
        shared.Security,
        errors.ErrorData,
        errors.Error,
        operations.SearchWorkspaceEventsRequest,
        operations.SearchWorkspaceEventsResponse,
        operations.GetWorkspaceEventsByTargetRequest,
        operations.GetWorkspaceTargetsRequest,
        operations.GetTargetsRequest,
        operations.PostWorkspaceEventsRequest,
        operations.GetTargetsResponse,
        RetryConfig,
        BackoffStrategy,
    ]


def _reference(cls: type) -> Any:
    """The same declaration made by ``dataclasses.make_dataclass``: what 5.x users had."""
    opts = cls.__model_options__  # type: ignore[attr-defined]
    spec = []
    for f in cls.__field_specs__.values():  # type: ignore[attr-defined]
        kw: Dict[str, Any] = {"repr": f.repr, "metadata": dict(f.metadata) or None}
        if f.default_factory is not MISSING:
            kw["default_factory"] = f.default_factory
        elif f.default is not MISSING:
            kw["default"] = f.default
        spec.append((f.name, f.type, dataclasses.field(**kw)))
    return dataclasses.make_dataclass(
        cls.__name__, spec, eq=opts["eq"], repr=opts["repr"], frozen=opts["frozen"]
    )


def _describe(fields: Tuple[Any, ...]) -> List[Tuple[Any, ...]]:
    return [
        (
            f.name,
            f.type,
            f.default,
            f.default_factory,
            f.init,
            f.repr,
            f.compare,
            f.hash,
            dict(f.metadata),
            getattr(f, "kw_only", None),
            f._field_type,
        )
        for f in fields
    ]


@pytest.mark.parametrize("cls", _targets(), ids=lambda c: c.__qualname__)
def test_fields_and_signature_equal_a_real_dataclass(cls: type) -> None:
    """``dataclasses.fields()`` and the constructor's signature are what the same class
    declared with ``@dataclasses.dataclass`` gives."""
    ref = _reference(cls)
    assert dataclasses.is_dataclass(cls)
    assert _describe(dataclasses.fields(cls)) == _describe(dataclasses.fields(ref))
    got = inspect.signature(cls).parameters
    want = inspect.signature(ref).parameters
    assert [(p.name, p.kind) for p in got.values()] == [(p.name, p.kind) for p in want.values()]
    for name, p in want.items():
        if p.default is not inspect.Parameter.empty and repr(p.default) != "<factory>":
            assert got[name].default is p.default, name
    assert cls.__match_args__ == ref.__match_args__  # type: ignore[attr-defined]
    assert (cls.__hash__ is None) == (ref.__hash__ is None)


def test_an_event_behaves_as_the_5x_dataclass_did() -> None:
    """eq, repr, hash, asdict, astuple, replace, copy, deepcopy, pickle: as 5.x's dataclass."""
    e = cli_event(duration_ms=5, commit_head="abc")
    ref_cls = _reference(shared.CliEvent)
    values = {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}
    ref = ref_cls(**values)
    assert repr(e) == repr(ref)
    assert dataclasses.asdict(e) == dataclasses.asdict(ref)
    assert dataclasses.astuple(e) == dataclasses.astuple(ref)
    assert e == cli_event(duration_ms=5, commit_head="abc") and e != cli_event()
    assert e != ref  # another class, as between two dataclasses
    with pytest.raises(TypeError):
        hash(e)
    changed = dataclasses.replace(e, id="other")
    assert changed.id == "other" and changed.commit_head == "abc" and type(changed) is type(e)
    with pytest.raises(TypeError):
        dataclasses.replace(e, nope=1)
    assert copy.copy(e) == e and copy.deepcopy(e) == e
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(e, protocol))
        assert back == e and type(back) is shared.CliEvent
    assert not hasattr(e, "__dict__")  # slotted
    with pytest.raises(TypeError, match="created_at"):
        shared.CliEvent()  # type: ignore[call-arg]


def test_the_5x_methods_and_dataclasses_json_still_work() -> None:
    e = cli_event(generate_bump_type=shared.GenerateBumpType.MINOR)
    assert shared.CliEvent.from_dict(e.to_dict()) == e
    assert shared.CliEvent.from_json(e.to_json()) == e
    assert shared.CliEvent.from_dict(e.to_dict(), infer_missing=True) == e
    assert shared.CliEvent.schema().load(e.to_dict()) == e
    assert e.to_json(indent=2).startswith("{\n")


def test_frozen_models_stay_frozen_and_hashable() -> None:
    s = shared.Security(api_key="secret")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.api_key = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del s.api_key  # type: ignore[misc]
    assert hash(s) == hash(shared.Security(api_key="secret"))
    assert "secret" not in repr(s)
    r = RetryConfig("backoff", BackoffStrategy(1, 2, 1.5, 10))
    assert dataclasses.replace(r, retry_connection_errors=True).retry_connection_errors
    assert pickle.loads(pickle.dumps(r)) == r


def test_responses_keep_a_dict_and_class_defaults() -> None:
    """Request and response models are not slotted (as in 5.x): defaults are class attributes."""
    assert operations.SearchWorkspaceEventsRequest.limit is None
    req = operations.SearchWorkspaceEventsRequest(limit=3)
    req.custom = 1  # type: ignore[attr-defined]
    assert req.__dict__["custom"] == 1
    error = errors.Error("boom", 503)
    assert error.raw_response.status_code == 503 and str(error) == "boom (status 503)"


def test_import_loads_no_dataclasses_and_generates_nothing() -> None:
    """The package, a client, an event built, encoded and decoded: ``dataclasses`` (and
    ``inspect``, ``ast``) never imported; ``__dataclass_fields__`` is built on first access."""
    run_in_fresh_interpreter(
        """
import sys
from datetime import datetime, timezone
import speakeasy
from speakeasy.models import operations, shared
shared.TargetSDK, operations.SearchWorkspaceEventsResponse
c = speakeasy.Speakeasy(security=shared.Security(api_key="k"), server_url="http://127.0.0.1:9")
lazy = type(shared.CliEvent.__dict__["__dataclass_fields__"]).__name__
assert lazy == "_LazyFields", lazy
assert type(shared.CliEvent.__dict__["__init__"]).__name__ == "_LazyInit"
now = datetime(2026, 1, 2, tzinfo=timezone.utc)
e = shared.CliEvent(now, "e", "i", "CLI_EXEC", now, "k", "1", True, "w")
assert shared.CliEvent.from_json(e.to_json()) == e
assert type(shared.CliEvent.__dict__["__init__"]).__name__ == "function"
for name in ("dataclasses", "inspect", "ast", "dis"):
    assert name not in sys.modules, name
import dataclasses
assert len(dataclasses.fields(e)) == len(shared.CliEvent.__field_specs__)
assert type(shared.CliEvent.__dict__["__dataclass_fields__"]) is dict
"""
    )


#: User code for mypy --strict and pyright strict: exactly the lines marked ``# error`` fail.
USER_CODE = """\
import dataclasses
import pickle
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

from speakeasy.models import operations, shared
from speakeasy.utils import RetryConfig

T = datetime(2024, 1, 1, tzinfo=timezone.utc)
event = shared.CliEvent(T, "e", "i", "RUN", T, "k", "1", True, "w", commit_head="abc")
fields: Tuple[dataclasses.Field[Any], ...] = dataclasses.fields(event)
names = [f.name for f in dataclasses.fields(shared.CliEvent)]
as_dict: Dict[str, Any] = dataclasses.asdict(event)
changed: shared.CliEvent = dataclasses.replace(event, id="other")
flag: bool = dataclasses.is_dataclass(event)
again: shared.CliEvent = pickle.loads(pickle.dumps(event))
head: Optional[str] = event.commit_head
limit: Optional[int] = operations.SearchWorkspaceEventsRequest(limit=3).limit
retry = RetryConfig("none")
shared.Security(api_key="k").api_key = "x"  # error
retry.strategy = "backoff"  # error
shared.CliEvent()  # error
shared.CliEvent(T, "e", "i", "RUN", T, "k", "1", "yes", "w")  # error
event.not_a_field  # error
"""


def _marked() -> set[int]:
    return {n for n, line in enumerate(USER_CODE.splitlines(), 1) if line.endswith("# error")}


def test_mypy_sees_the_generated_models_as_dataclasses(tmp_path: Path) -> None:
    (tmp_path / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    result = run_mypy_strict(
        tmp_path, ["user_code.py"], "--cache-dir", str(MYPY_CACHE), "--config-file", os.devnull
    )
    failing = {int(m) for m in re.findall(r"^user_code\.py:(\d+): error", result.stdout, re.M)}
    assert failing == _marked(), result.stdout + result.stderr


def test_pyright_sees_the_generated_models_as_dataclasses(tmp_path: Path) -> None:
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent))
    if pyright is None:
        pytest.skip("pyright is not installed (it is in the dev extra)")
    (tmp_path / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    config = {"extraPaths": [str(ROOT / "src")], "typeCheckingMode": "strict"}
    (tmp_path / "pyrightconfig.json").write_text(repr(config).replace("'", '"'), "utf-8")
    result = subprocess.run(
        [pyright, "user_code.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    failing = {int(m) for m in re.findall(r"user_code\.py:(\d+):\d+ - error", result.stdout)}
    assert failing == _marked(), result.stdout + result.stderr
