"""Which placement counts as a child's current one."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date

from gateway.models import Placement


class PlacementStatus(enum.Enum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


def placement_status(placement: Placement, today: date) -> PlacementStatus:
    if placement.start_date > today:
        return PlacementStatus.UPCOMING
    if placement.end_date is not None and placement.end_date < today:
        return PlacementStatus.ENDED
    return PlacementStatus.ACTIVE


def current_placement(placements: Sequence[Placement], today: date) -> Placement | None:
    """The running placement; else the next one to start; else the one that ended last."""
    by_status: dict[PlacementStatus, list[Placement]] = {s: [] for s in PlacementStatus}
    for placement in placements:
        by_status[placement_status(placement, today)].append(placement)
    if by_status[PlacementStatus.ACTIVE]:
        return max(by_status[PlacementStatus.ACTIVE], key=lambda p: (p.start_date, p.id))
    if by_status[PlacementStatus.UPCOMING]:
        return min(by_status[PlacementStatus.UPCOMING], key=lambda p: (p.start_date, p.id))
    if by_status[PlacementStatus.ENDED]:
        return max(
            by_status[PlacementStatus.ENDED], key=lambda p: (p.end_date or p.start_date, p.id)
        )
    return None
