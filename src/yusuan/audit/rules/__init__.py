"""Rule families; importing this package registers every rule."""

from yusuan.audit.rules import (  # noqa: F401
    arithmetic,
    changes,
    codes,
    completeness,
    cross,
    hierarchy,
    narrative,
    performance,
    template,
    units,
    wording,
)
