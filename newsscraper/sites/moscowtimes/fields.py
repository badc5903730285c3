"""Item fields of a page object, registered by a decorator as web-poet's ``@field``: the
item is built from the registry, so a new field is one method.

A field is pure: reading it twice gives the same value and leaves the page as it was.
What a page lacks is not noted by the field that looked; the page derives it from the
fields' values once they are all read (:meth:`.page.ArticlePage.parse_errors`).

Our own forty lines rather than web-poet: its ``@field`` and ``item_from_fields_sync``
would do this part, but the rest of it (``to_item()`` a coroutine, page objects picked
by URL pattern, inputs injected by scrapy-poet) does not fit pages picked by markers
(:mod:`.layouts`) and parsed synchronously, and a dependency for forty lines is dear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar, overload

T = TypeVar("T")


class cached_property(Generic[T]):
    """A value computed on first access and stored on the instance (Python 3.11's
    :func:`functools.cached_property` takes a lock on every first access)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class field(Generic[T]):
    """A page property that is the item field of its name, read anew on each access:
    a fresh list every time, so a caller changing the item cannot change the page."""

    cached = False

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name  # a lambda's is "<lambda>"

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> field[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: Any, owner: type | None = None) -> T | field[T]:
        if obj is None:
            return self
        value = self.func(obj)
        if self.cached:  # no __set__: the instance's value shadows the field from now on
            obj.__dict__[self.name] = value
        return value


class cached_field(field[T]):
    """A field read once and kept: for immutable values other fields read (the URL)."""

    cached = True


class FieldPage:
    """A page object whose item fields are its :class:`field` attributes.

    ``FIELDS`` names them, in the order they are declared, a subclass's own last. A
    subclass overrides a field with another ``@field`` method; a plain method of the
    same name would put a bound method in the item, so it is refused.
    """

    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = dict.fromkeys(name for klass in reversed(cls.__mro__)
                              for name, value in vars(klass).items() if isinstance(value, field))
        for name in names:
            defined = next(vars(k)[name] for k in cls.__mro__ if name in vars(k))
            if not isinstance(defined, field):
                raise TypeError(f"{cls.__qualname__}.{name} overrides a field without @field")
        cls.FIELDS = tuple(names)

    def fields(self) -> dict[str, Any]:
        """Every field's value, by name."""
        return {name: getattr(self, name) for name in self.FIELDS}
