"""smr_kg.record: the plain value classes of the lookup path behave as the dataclasses they replace."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from smr_kg.record import Factory, Record


class Point(Record):
    x: int
    y: int = 0


class Bag(Record, frozen=False):
    name: str
    items: list = Factory(list)


@dataclasses.dataclass(frozen=True)
class PointDC:
    x: int
    y: int = 0


def test_fields_defaults_and_keywords_are_those_of_the_annotations_in_order():
    assert Point(1) == Point(1, 0) == Point(x=1, y=0)
    assert Point(1, 2).as_fields() == {"x": 1, "y": 2}
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, 2, 3)
    with pytest.raises(TypeError):
        Point(1, x=1)
    with pytest.raises(TypeError):
        Point(1, z=1)


def test_a_frozen_record_refuses_assignment_and_hashes_like_the_frozen_dataclass():
    p = Point(1, 2)
    with pytest.raises(AttributeError):
        p.x = 3
    with pytest.raises(AttributeError):
        del p.x
    assert hash(p) == hash(Point(1, 2)) and len({p, Point(1, 2), Point(2, 1)}) == 2
    assert repr(p).endswith("Point(x=1, y=2)") and repr(PointDC(1, 2)).endswith("PointDC(x=1, y=2)")


def test_a_mutable_record_is_unhashable_and_gets_a_fresh_default_list_each_time():
    a, b = Bag("a"), Bag("a")
    a.items.append(1)
    assert b.items == [] and a != b
    a.name = "renamed"
    assert a.name == "renamed"
    with pytest.raises(TypeError):
        hash(a)


def test_records_of_different_classes_are_never_equal():
    class Other(Record):
        x: int
        y: int = 0

    assert Point(1) != Other(1)


def test_records_pickle_to_equal_records():
    assert pickle.loads(pickle.dumps(Point(1, 2))) == Point(1, 2)
    bag = Bag("a", [1])
    assert pickle.loads(pickle.dumps(bag)).as_fields() == {"name": "a", "items": [1]}
