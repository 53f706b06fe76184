"""Generated code: the model classes' methods, and the compiled codecs' functions.

**Models.** Every model class is made by ``ModelMeta`` from its annotated body
(``name: type = field(...)``), as a dataclass would be, but without importing
``dataclasses`` (which pulls in ``inspect``, ``ast`` and ``dis``: ~6 ms) and
without compiling anything at import: creating the 82-field ``CliEvent`` costs
tens of microseconds. What a dataclass offers is there, built when first used:

- ``__init__`` is generated (its source, compiled, as dataclasses does) on the
  first construction or the first look at ``CliEvent.__init__``;
- ``__dataclass_fields__`` holds real ``dataclasses.Field`` objects, built on
  first access, so ``dataclasses.fields()``, ``asdict()``, ``replace()``,
  ``is_dataclass()`` and dataclasses-json see a dataclass;
- ``__eq__``, ``__repr__`` and (frozen) ``__hash__`` are shared functions over
  the class's field names; ``__slots__`` when asked (``slots=True``).

Type checkers see the same thing through ``dataclass_transform`` (PEP 681).

**Codecs.** ``compile_function`` compiles the encoders' and decoders' generated source.
"""

from __future__ import annotations

import linecache
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**kwargs: Any) -> Callable[[Any], Any]:
        return lambda cls: cls


_T = TypeVar("_T")


def compile_function(
    name: str, param: str, body: List[str], label: str, env: Dict[str, Any]
) -> Any:
    """``def name(param): body`` compiled in ``env``, its source registered with ``linecache``.

    Tracebacks through generated code then show the generated lines (as cattrs does).
    """
    source = f"def {name}({param}):\n" + "".join(f"    {line}\n" for line in body)
    filename = f"<speakeasy {label}>"
    exec(compile(source, filename, "exec"), env)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return env[name]


#: The template kind of each scalar field type, shared by the compiled encoder and decoder.
SCALAR_KINDS: Dict[Any, str] = {str: "str", bool: "bool", int: "int"}


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: No default (``dataclasses.MISSING`` without importing dataclasses).
MISSING: Any = _Missing()


class FieldSpec:
    """One declared field, with the attributes of ``dataclasses.Field`` the codecs read."""

    __slots__ = ("default", "default_factory", "metadata", "name", "repr", "type")

    init = True

    def __init__(self, default: Any, default_factory: Any, repr: bool, metadata: Any) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.metadata: Mapping[str, Any] = metadata if metadata is not None else {}
        self.name = ""
        self.type: Any = None

    def __repr__(self) -> str:
        return f"FieldSpec(name={self.name!r}, type={self.type!r}, default={self.default!r})"


def field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    repr: bool = True,
    metadata: Optional[Mapping[str, Any]] = None,
) -> Any:
    """A field's declaration in a model body, as ``dataclasses.field`` takes it."""
    return FieldSpec(default, default_factory, repr, metadata)


def model_fields(cls: type) -> Tuple[FieldSpec, ...]:
    """The fields of a model class in order (inherited first); a real dataclass works too."""
    specs = cls.__dict__.get("__field_specs__")
    if specs is not None:
        return tuple(specs.values())
    import dataclasses

    out = []
    for f in dataclasses.fields(cls):
        spec = FieldSpec(
            MISSING if f.default is dataclasses.MISSING else f.default,
            MISSING if f.default_factory is dataclasses.MISSING else f.default_factory,
            f.repr,
            f.metadata,
        )
        spec.name, spec.type = f.name, f.type
        out.append(spec)
    return tuple(out)


def is_model(cls: type) -> bool:
    """Whether ``cls`` is a generated model with fields, or a real dataclass."""
    if cls.__dict__.get("__field_specs__"):
        return True
    return "dataclasses" in sys.modules and sys.modules["dataclasses"].is_dataclass(cls)


class _LazyFields:
    """``__dataclass_fields__``: real ``dataclasses.Field`` objects, built on first access."""

    def __init__(self, cls: type, attr: str) -> None:
        self.cls = cls
        self.attr = attr

    def __get__(self, instance: object, owner: type) -> Any:
        fields, params = _dataclass_view(self.cls)
        type.__setattr__(self.cls, "__dataclass_fields__", fields)
        type.__setattr__(self.cls, "__dataclass_params__", params)
        return fields if self.attr == "__dataclass_fields__" else params


def _dataclass_view(cls: type) -> Tuple[Dict[str, Any], Any]:
    import dataclasses

    fields: Dict[str, Any] = {}
    for spec in cls.__field_specs__.values():  # type: ignore[attr-defined]
        f: Any = dataclasses.field(
            default=spec.default if spec.default is not MISSING else dataclasses.MISSING,
            default_factory=(
                spec.default_factory if spec.default_factory is not MISSING else dataclasses.MISSING
            ),
            repr=spec.repr,
            metadata=dict(spec.metadata) or None,
        )
        f.name, f.type, f._field_type = spec.name, spec.type, dataclasses._FIELD  # type: ignore[attr-defined]
        if sys.version_info >= (3, 10):
            f.kw_only = False
        fields[spec.name] = f
    opts = cls.__model_options__  # type: ignore[attr-defined]
    args: List[Any] = [True, opts["repr"], opts["eq"], False, False, opts["frozen"]]
    if sys.version_info >= (3, 12):  # match_args, kw_only, slots, weakref_slot
        args += [True, False, opts["slots"], False]
    return fields, dataclasses._DataclassParams(*args)  # type: ignore[attr-defined]


class _HasFactory:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _HasFactory()


class _LazyInit:
    """``__init__``: its source generated and compiled on first use, then put in its place."""

    def __init__(self, cls: type) -> None:
        self.cls = cls

    def __get__(self, instance: object, owner: type) -> Any:
        init = _make_init(self.cls)
        type.__setattr__(self.cls, "__init__", init)
        return init if instance is None else init.__get__(instance, owner)


def _make_init(cls: type) -> Any:
    specs: Dict[str, FieldSpec] = cls.__field_specs__  # type: ignore[attr-defined]
    frozen = cls.__model_options__["frozen"]  # type: ignore[attr-defined]
    env: Dict[str, Any] = {"__setattr": object.__setattr__, "_HAS_FACTORY": _HAS_FACTORY}
    params, body = ["self"], []
    for i, (name, f) in enumerate(specs.items()):
        value = name
        if f.default_factory is not MISSING:
            env[f"factory_{i}"] = f.default_factory
            params.append(f"{name}=_HAS_FACTORY")
            value = f"factory_{i}() if {name} is _HAS_FACTORY else {name}"
        elif f.default is not MISSING:
            env[f"default_{i}"] = f.default
            params.append(f"{name}=default_{i}")
        else:
            params.append(name)
        body.append(f"__setattr(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    init = compile_function(
        "__init__", ", ".join(params), body or ["pass"], f"__init__ {cls.__qualname__}", env
    )
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        names = self.__compare_names__
        return [getattr(self, n) for n in names] == [getattr(other, n) for n in names]
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in self.__compare_names__))


def _repr(self: Any) -> str:
    key = id(self)
    if key in _REPR_RUNNING:
        return "..."
    _REPR_RUNNING.add(key)
    try:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__repr_names__)
    finally:
        _REPR_RUNNING.discard(key)
    return f"{self.__class__.__qualname__}({shown})"


_REPR_RUNNING: set[int] = set()


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    if name in self.__field_specs__:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    if name in self.__field_specs__:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


#: pydantic's surface (2.x ``dir(BaseModel)``) that this SDK's models do not provide.
NOT_PROVIDED = (
    "construct", "copy", "dict", "from_orm", "json", "parse_file", "parse_obj", "parse_raw",
    "schema_json", "update_forward_refs", "validate", "model_computed_fields", "model_config",
    "model_construct", "model_extra", "model_fields_set", "model_json_schema",
    "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate_strings",
    "__fields__", "__fields_set__", "__get_pydantic_core_schema__",
    "__get_pydantic_json_schema__", "__pydantic_complete__", "__pydantic_core_schema__",
    "__pydantic_decorators__", "__pydantic_extra__", "__pydantic_fields_set__",
    "__pydantic_init_subclass__", "__pydantic_parent_namespace__", "__pydantic_private__",
    "__pydantic_root_model__", "__pydantic_serializer__", "__pydantic_validator__",
    "__pydantic_fields__", "_calculate_keys", "_copy_and_set_values", "_get_value", "_iter",
)  # fmt: skip


class NotProvided:
    """A pydantic name on a model: reading it, from the class or an instance, raises
    ``AttributeError`` saying so. (Descriptors rather than ``__getattr__``, which would
    slow every attribute read of every model.)"""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        raise AttributeError(
            f"{owner.__name__}.{self.name} is not provided: this SDK's models are not "
            "pydantic models; they offer model_dump, model_dump_json, model_validate, "
            "model_validate_json, model_copy and model_fields only"
        )


def _is_dataclass_field(value: object) -> bool:
    kind = type(value)
    return kind.__name__ == "Field" and kind.__module__ == "dataclasses"


@dataclass_transform(field_specifiers=(field,))
class ModelMeta(type):
    """Makes a model class from its annotated body (see the module's docstring).

    Class keywords as ``dataclass()`` takes them: ``frozen``, ``eq``, ``repr``, ``slots``.
    """

    def __new__(
        mcs,
        name: str,
        bases: Tuple[type, ...],
        ns: Dict[str, Any],
        *,
        frozen: bool = False,
        eq: bool = True,
        repr: bool = True,
        slots: bool = False,
    ) -> ModelMeta:
        if any(_is_dataclass_field(v) for v in ns.values()):
            # ``dataclasses.field(...)`` in the body: a dataclass written by hand, left to
            # the ``@dataclasses.dataclass`` decorator that must follow.
            return super().__new__(mcs, name, bases, ns)
        specs: Dict[str, FieldSpec] = {}
        for base in reversed(bases):
            specs.update(getattr(base, "__field_specs__", {}))
        own = []
        for attr, hint in ns.get("__annotations__", {}).items():
            if isinstance(hint, str) and hint.startswith(("ClassVar", "typing.ClassVar")):
                continue
            value = ns.get(attr, MISSING)
            spec = value if isinstance(value, FieldSpec) else FieldSpec(value, MISSING, True, None)
            spec.name, spec.type = attr, hint
            specs[attr] = spec
            own.append(attr)
            if slots or spec.default is MISSING:
                ns.pop(attr, None)  # no class attribute: a slot, or no default
            else:
                ns[attr] = spec.default  # as dataclasses leaves it
        if not specs:
            return super().__new__(mcs, name, bases, ns)
        if slots:
            ns["__slots__"] = tuple(own)
        ns["__field_specs__"] = specs
        ns["__model_options__"] = {"frozen": frozen, "eq": eq, "repr": repr, "slots": slots}
        ns["__match_args__"] = tuple(specs)
        if "__init__" not in ns:
            ns["__init__"] = None  # set below, once the class exists
        if repr:
            ns.setdefault("__repr__", _repr)
            ns["__repr_names__"] = tuple(n for n, f in specs.items() if f.repr)
        if eq:
            ns.setdefault("__eq__", _eq)
            ns["__compare_names__"] = tuple(specs)
            if "__hash__" not in ns:
                ns["__hash__"] = _hash if frozen else None
        if frozen:
            ns["__setattr__"] = _frozen_setattr
            ns["__delattr__"] = _frozen_delattr
        cls = super().__new__(mcs, name, bases, ns)
        for attr in ("__dataclass_fields__", "__dataclass_params__"):
            type.__setattr__(cls, attr, _LazyFields(cls, attr))
        if ns["__init__"] is None:
            type.__setattr__(cls, "__init__", _LazyInit(cls))
        return cls


class Model(metaclass=ModelMeta):
    """The base of every model: its subclasses are made by ``ModelMeta``.

    Class keywords go on the subclass (``class Security(Model, frozen=True)``), where
    mypy honours them.
    """

    __slots__ = ()
