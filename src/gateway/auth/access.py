"""THE privacy policy: what a viewer may see, as SQL conditions every read is built from.

Loaders and services never write their own visibility rules; they AND one of these into their
query. A row outside the viewer's scope is indistinguishable from a row that does not exist.

- A guardian sees their own children while a placement runs, from before its start until
  `ACCESS_WINDOW` after the last one ended (SPEC: access for 6 weeks after the contract).
- Staff see the children placed (now or upcoming) in the groups they work in.
- A thread is seen by the guardians of its child and by the staff of its group who still see
  the child (`thread_visible`). Events follow `auth.event_access`.
- Nothing crosses organisations; an anonymous caller sees nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, or_, select

from gateway.auth.viewer import Viewer
from gateway.models import (
    Account,
    Child,
    Group,
    Guardian,
    Guardianship,
    Invoice,
    Location,
    NewsItem,
    Placement,
    StaffGroup,
    Thread,
)

ACCESS_WINDOW = timedelta(weeks=6)


def visible_child_ids(viewer: Viewer | None, today: date) -> Select[int]:
    """Ids of the children the viewer may see today."""
    if viewer is None:
        return select(Child.id).where(false())
    if viewer.is_guardian:
        return (
            select(Guardianship.child_id)
            .join(Placement, Placement.child_id == Guardianship.child_id)
            .where(
                Guardianship.guardian_id == viewer.guardian_id,
                Placement.organisation_id == viewer.organisation_id,
                or_(Placement.end_date.is_(None), Placement.end_date >= today - ACCESS_WINDOW),
            )
        )
    return (
        select(Placement.child_id)
        .join(StaffGroup, StaffGroup.group_id == Placement.group_id)
        .where(
            StaffGroup.staff_member_id == viewer.staff_member_id,
            Placement.organisation_id == viewer.organisation_id,
            or_(Placement.end_date.is_(None), Placement.end_date >= today),
        )
    )


def child_visible(
    child_id: SQLColumnExpression[int], viewer: Viewer | None, today: date
) -> ColumnElement[bool]:
    """Condition: the child in `child_id` is visible to the viewer."""
    return child_id.in_(visible_child_ids(viewer, today))


def guardian_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `Guardian`: yourself, or a guardian of a child you may see."""
    if viewer is None:
        return false()
    of_visible_children = select(Guardianship.guardian_id).where(
        child_visible(Guardianship.child_id, viewer, today)
    )
    own = Guardian.id == viewer.guardian_id if viewer.guardian_id is not None else false()
    return or_(own, Guardian.id.in_(of_visible_children))


def account_contact_visible(viewer: Viewer | None) -> ColumnElement[bool]:
    """Condition on `Account`: e-mail addresses are shown to their owner and to staff."""
    if viewer is None:
        return false()
    if viewer.is_staff:
        return Account.organisation_id == viewer.organisation_id
    return Account.id == viewer.account_id


def in_organisation(
    organisation_id: SQLColumnExpression[int], viewer: Viewer | None
) -> ColumnElement[bool]:
    """Condition for organisation-wide records (locations, groups, staff): same tenant only."""
    if viewer is None:
        return false()
    return organisation_id == viewer.organisation_id


def staff_of_group(
    group_id: SQLColumnExpression[int], viewer: Viewer | None
) -> ColumnElement[bool]:
    """Condition: the viewer is a staff member of that group."""
    if viewer is None or viewer.staff_member_id is None:
        return false()
    return group_id.in_(
        select(StaffGroup.group_id).where(StaffGroup.staff_member_id == viewer.staff_member_id)
    )


def thread_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `Thread`: guardians of its child; staff of its group while they see the child.

    Staff also need the child to be visible: once a child has left the group, its staff no
    longer see the child, and a conversation about it is about the child.
    """
    if viewer is None:
        return false()
    rule = and_(
        Thread.organisation_id == viewer.organisation_id,
        child_visible(Thread.child_id, viewer, today),
    )
    if viewer.is_staff:
        return and_(rule, staff_of_group(Thread.group_id, viewer))
    return rule


__all__ = [
    "ACCESS_WINDOW",
    "account_contact_visible",
    "child_visible",
    "guardian_visible",
    "in_organisation",
    "invoice_visible",
    "location_content_visible",
    "news_visible",
    "own_account_record",
    "staff_of_group",
    "thread_visible",
    "visible_child_ids",
    "visible_location_ids",
]


def own_account_record(
    account_id: SQLColumnExpression[int], viewer: Viewer | None
) -> ColumnElement[bool]:
    """Condition for records of one account (sessions, devices): its owner only, never staff."""
    if viewer is None:
        return false()
    return account_id == viewer.account_id


def visible_location_ids(viewer: Viewer | None, today: date) -> Select[int]:
    """Guardians: the locations their visible children are placed at; staff: of their groups."""
    if viewer is None:
        return select(Location.id).where(false())
    if viewer.is_staff:
        return (
            select(Group.location_id)
            .join(StaffGroup, StaffGroup.group_id == Group.id)
            .where(StaffGroup.staff_member_id == viewer.staff_member_id)
        )
    return (
        select(Group.location_id)
        .join(Placement, Placement.group_id == Group.id)
        .where(Placement.child_id.in_(visible_child_ids(viewer, today)))
    )


def location_content_visible(
    organisation_id: SQLColumnExpression[int],
    location_id: SQLColumnExpression[int | None],
    viewer: Viewer | None,
    today: date,
) -> ColumnElement[bool]:
    """Condition for what a location or (location NULL) the whole organisation publishes:
    news, newsletters, policies. Another location's content is as absent as a missing row."""
    if viewer is None:
        return false()
    return and_(
        organisation_id == viewer.organisation_id,
        or_(location_id.is_(None), location_id.in_(visible_location_ids(viewer, today))),
    )


def news_visible(viewer: Viewer | None, today: date, now: datetime) -> ColumnElement[bool]:
    """Condition on `NewsItem`: published (from `publish_at` on) to the viewer's scope; a
    scheduled item only to its author."""
    if viewer is None:
        return false()
    published = and_(
        location_content_visible(NewsItem.organisation_id, NewsItem.location_id, viewer, today),
        NewsItem.publish_at <= now,
    )
    own = and_(
        NewsItem.organisation_id == viewer.organisation_id,
        NewsItem.author_account_id == viewer.account_id,
    )
    return or_(published, own)


def invoice_visible(viewer: Viewer | None) -> ColumnElement[bool]:
    """Condition on `Invoice`: only the guardian who pays it; not the other parent, not staff."""
    if viewer is None or viewer.guardian_id is None:
        return false()
    return and_(
        Invoice.organisation_id == viewer.organisation_id,
        Invoice.payer_guardian_id == viewer.guardian_id,
    )
