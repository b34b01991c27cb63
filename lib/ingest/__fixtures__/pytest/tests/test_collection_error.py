"""A module that cannot be imported: pytest reports a collection error for the whole file."""
import shipcheck_module_that_does_not_exist  # noqa: F401
