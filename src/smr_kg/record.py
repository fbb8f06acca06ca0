"""Plain value classes for the lookup path, without :mod:`dataclasses`.

``smr-kg lookup`` builds a handful of small records (a card, its assertions, sources, mappings,
chains). Importing ``dataclasses`` (which imports ``inspect``) and generating their methods cost
~10 ms of a ~80 ms lookup, so these records subclass :class:`Record` instead: fields are the class
annotations in order, a class attribute is a field's default (:class:`Factory` for a fresh list
per instance), and the methods behave as a dataclass's with ``eq=True`` do: equality by class and
field values, the dataclass ``repr``, and, for ``frozen`` records, assignment refused
(AttributeError) and a hash of the field values (a mutable record is unhashable). Instances keep
a ``__dict__``, so they pickle as dataclass instances do.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's constant without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")


class Factory:
    """A field default made fresh for each instance (dataclasses' ``default_factory``); write it
    with :func:`fresh`, which type checkers read as the value it makes."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        self.make = make


if TYPE_CHECKING:
    def fresh(make: Callable[[], T]) -> T:
        """As type checkers see it: the field's value (as dataclasses' ``field`` is typed)."""
        ...
else:
    def fresh(make):
        """A :class:`Factory` default: ``items: list[str] = fresh(list)``."""
        return Factory(make)


class Record:
    """Base of a value class whose fields are its annotations (see the module docstring)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _frozen = True

    def __init_subclass__(cls, frozen: bool = True, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = tuple(cls.__dict__.get("__annotations__", ()))
        cls._frozen = frozen
        if not frozen:
            cls.__hash__ = None  # type: ignore[assignment]  # as a mutable dataclass with eq

    def __init__(self, *args, **kwargs) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} arguments, {len(args)} given")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}() got an unexpected or repeated argument {name!r}")
            values[name] = value
        state = self.__dict__
        for name in fields:
            if name in values:
                state[name] = values[name]
                continue
            default = getattr(type(self), name, _MISSING)
            if default is _MISSING:
                raise TypeError(f"{type(self).__name__}() missing required argument {name!r}")
            state[name] = default.make() if isinstance(default, Factory) else default

    def _values(self) -> tuple:
        return tuple(self.__dict__[name] for name in self._fields)

    def as_fields(self) -> dict:
        """The fields by name, in order (``dataclasses.asdict`` for records of plain values)."""
        return {name: self.__dict__[name] for name in self._fields}

    def __setattr__(self, name: str, value) -> None:
        if self._frozen:
            raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self._frozen:
            raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")
        object.__delattr__(self, name)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"


_MISSING = object()

__all__ = ["Factory", "Record", "fresh"]
