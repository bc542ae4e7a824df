"""The document-type registry: how apps declare what they index, without search importing them."""

import pytest

from search import registry


def _load(ids):
    return [{"id": object_id} for object_id in ids]


def _all_ids():
    return [1, 2]


@pytest.fixture
def clean_registry():
    yield
    for name in ("registry_test", "registry_other"):
        registry.unregister(name)


def test_register_and_get(clean_registry):
    document_type = registry.register("registry_test", load=_load, all_ids=_all_ids)

    assert registry.get("registry_test") is document_type
    assert list(document_type.load([3])) == [{"id": 3}]
    assert list(document_type.all_ids()) == [1, 2]
    assert "registry_test" in registry.doc_types()


def test_doc_types_are_sorted(clean_registry):
    registry.register("registry_test", load=_load, all_ids=_all_ids)
    registry.register("registry_other", load=_load, all_ids=_all_ids)

    names = registry.doc_types()
    assert names == sorted(names)
    assert {"registry_test", "registry_other"} <= set(names)


def test_registering_the_same_callables_again_is_a_no_op(clean_registry):
    first = registry.register("registry_test", load=_load, all_ids=_all_ids)
    second = registry.register("registry_test", load=_load, all_ids=_all_ids)

    assert first == second
    assert registry.get("registry_test") == first


def test_a_taken_name_cannot_be_registered_by_other_code(clean_registry):
    registry.register("registry_test", load=_load, all_ids=_all_ids)

    with pytest.raises(ValueError, match="already registered"):
        registry.register("registry_test", load=lambda ids: [], all_ids=_all_ids)
    assert registry.get("registry_test").load is _load


@pytest.mark.parametrize("name", ["", "Profile", "has space", "x" * 65, "1st", "a-b"])
def test_names_must_be_slugs(name):
    with pytest.raises(ValueError, match="lower-case slug"):
        registry.register(name, load=_load, all_ids=_all_ids)


def test_unknown_type_names_the_known_ones(clean_registry):
    registry.register("registry_test", load=_load, all_ids=_all_ids)

    with pytest.raises(LookupError, match="registry_test"):
        registry.get("no_such_type")


def test_unregister(clean_registry):
    registry.register("registry_test", load=_load, all_ids=_all_ids)
    registry.unregister("registry_test")
    registry.unregister("registry_test")  # forgetting twice is fine

    assert "registry_test" not in registry.doc_types()
