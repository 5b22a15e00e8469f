"""Every constant of the reference package, with the same value (the reference is installed
beside rxon_core by the test script)."""

import rxon.constants as reference
import rxon_core


def test_every_reference_constant_is_here_with_its_value() -> None:
    names = [name for name in dir(reference) if name.isupper()]
    assert len(names) > 40
    for name in names:
        assert getattr(rxon_core, name) == getattr(reference, name), name
        assert getattr(rxon_core.constants, name) == getattr(reference, name), name
    assert isinstance(rxon_core.TERMINAL_STATES, frozenset)


def test_every_public_name_of_the_reference_is_here() -> None:
    import rxon

    missing = {name for name in rxon.__all__ if not hasattr(rxon_core, name)}
    assert missing == set()
    assert rxon_core.RXON_BLOB_SCHEME == rxon.RXON_BLOB_SCHEME
