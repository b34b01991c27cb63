"""A small real suite: its pytest --junitxml report is a fixture for lib/ingest/junit.ts."""
import pytest


@pytest.fixture
def broken_database():
    # An error while setting up a fixture: pytest reports <error>, not <failure>.
    raise RuntimeError("database unavailable during setup")


class TestThing:
    def test_passes(self):
        assert 1 + 1 == 2

    def test_fails(self):
        assert "shipcheck" == "shipit", "release name mismatch"

    @pytest.mark.skip(reason="needs the staging VPN")
    def test_skipped(self):
        pass

    def test_uses_broken_fixture(self, broken_database):
        pass


@pytest.mark.parametrize("a,b,total", [(1, 2, 3), (2, 2, 5)])
def test_add(a, b, total):
    assert a + b == total


def test_markup_in_message():
    # Test output may contain markup; Shipcheck must keep it as plain text.
    assert "<script>alert('x')</script> & more" == ""
