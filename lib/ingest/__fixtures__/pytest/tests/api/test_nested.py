"""A module in a sub-directory with nested classes, to check dotted classnames map back to paths."""


class TestOuter:
    class TestInner:
        def test_deep(self):
            assert True


def test_module_level():
    assert True
