"""THE privacy policy: what a viewer may see, as SQL conditions every read is built from.

Loaders and services never write their own visibility rules; they AND one of these into their
query. A row outside the viewer's scope is indistinguishable from a row that does not exist.

- A guardian sees their own children while a placement runs, from before its start until
  `ACCESS_WINDOW` after the last one ended (SPEC: access for 6 weeks after the contract).
- Staff see the children placed (now or upcoming) in the groups they work in.
- A thread is seen by the guardians of its child and by the staff of its group who still see
  the child (`thread_visible`). Events follow `auth.event_access`.
- A child's diary entries, and the photos it is tagged in, are seen by whoever sees the child
  (its guardians, within the access window); staff see them only for their own groups
  (`diary_entry_visible`, `photo_visible`).
- A group post is seen by the group's staff and by the guardians of children placed in that
  group on the post's date, while they see that child (`group_post_visible`).
- A diary export is seen by the guardian who asked for it, while they see the child.
- Consents bind writing (`services.diary`, `services.photos`), not reading: a change applies
  from then on, and what was shared before stays in the guardians' timeline.
- Contact details (accounts): your own; staff also those of the guardians of their children.
- Organisation-wide records (the organisation, locations, groups, the team) are seen by
  everyone of the organisation: SPEC shows parents the team and contact details of the location.
- Nothing crosses organisations; an anonymous caller sees nothing.

Two forms of the same rules. The functions below build a condition for one viewer, for
statements built per call (services, pages). Loaders use statements built once at import: their
conditions (`*_in_scope`) name the viewer's sets as bound parameters, and a per-request `Scope`
fills them in, reading each set (e.g. the visible child ids) at most once per request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from gateway.auth.viewer import Viewer
from gateway.models import (
    Account,
    Child,
    DiaryEntry,
    DiaryExport,
    Group,
    GroupPost,
    Guardian,
    Guardianship,
    Invoice,
    Location,
    NewsItem,
    Photo,
    PhotoTag,
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


def guardian_contact_visible(viewer: Viewer | None, guardian_id: int) -> bool:
    """Whether a guardian's phone and address are shown: to themself and to staff.

    Only ever asked of a `Guardian` the viewer may see at all (`guardian_visible`), so staff
    here are staff of that guardian's children; the same rule as `account_contact_visible`.
    """
    return viewer is not None and (viewer.is_staff or viewer.guardian_id == guardian_id)


def account_contact_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `Account` (an e-mail address and a role): whose contact details you see.

    Everyone sees their own. Staff also see the accounts of the guardians of the children they
    may see (`visible_child_ids`), because they have to reach them; not their colleagues' and
    not the parents of other groups. Guardians see only their own: the other guardian of their
    child needs no address from us to be reached (threads reach both), and separated parents
    may have good reason not to learn each other's. A rule to widen this belongs here.
    """
    if viewer is None:
        return false()
    own = Account.id == viewer.account_id
    if not viewer.is_staff:
        return own
    guardians_of_visible_children = select(Guardianship.guardian_id).where(
        child_visible(Guardianship.child_id, viewer, today)
    )
    return or_(
        own,
        and_(
            Account.organisation_id == viewer.organisation_id,
            Account.guardian_id.in_(guardians_of_visible_children),
        ),
    )


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


# --- statements built once: the viewer's sets as parameters, filled in by `Scope` ----------

VISIBLE_CHILDREN = "scope_visible_children"
VIEWER_ORGANISATION = "scope_organisation"
VIEWER_GUARDIAN = "scope_guardian"
VIEWER_STAFF_MEMBER = "scope_staff_member"
VIEWER_IS_GUARDIAN = "scope_is_guardian"


def child_in_scope(child_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """As `child_visible`: the child is one the viewer may see today."""
    return child_id.in_(bindparam(VISIBLE_CHILDREN, expanding=True))


def organisation_in_scope(organisation_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """As `in_organisation`: the viewer's own organisation (none for an anonymous caller)."""
    return organisation_id == bindparam(VIEWER_ORGANISATION)


def guardian_in_scope(guardian_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """As `guardian_visible`: yourself, or a guardian of a child you may see."""
    return or_(
        guardian_id == bindparam(VIEWER_GUARDIAN),
        guardian_id.in_(
            select(Guardianship.guardian_id).where(child_in_scope(Guardianship.child_id))
        ),
    )


def thread_in_scope() -> ColumnElement[bool]:
    """As `thread_visible`: guardians of its child; staff of its group while they see the child."""
    of_staff_group = Thread.group_id.in_(
        select(StaffGroup.group_id).where(
            StaffGroup.staff_member_id == bindparam(VIEWER_STAFF_MEMBER)
        )
    )
    return and_(
        organisation_in_scope(Thread.organisation_id),
        child_in_scope(Thread.child_id),
        or_(bindparam(VIEWER_IS_GUARDIAN, type_=Boolean), of_staff_group),
    )


class Scope:
    """One viewer's sets for one request, each read at most once and only when a statement needs it.

    `lock` is the one the request's reads share: the session runs one statement at a time.
    """

    def __init__(
        self, session: AsyncSession, viewer: Viewer | None, today: date, lock: asyncio.Lock
    ) -> None:
        self.session = session
        self.viewer = viewer
        self.today = today
        self.lock = lock
        self._child_ids: frozenset[int] | None = None

    async def child_ids(self) -> frozenset[int]:
        """Ids of the children the viewer may see today (`visible_child_ids`)."""
        if self._child_ids is None:
            if self.viewer is None:
                self._child_ids = frozenset()
            else:
                async with self.lock:
                    if self._child_ids is None:
                        rows = await self.session.scalars(
                            visible_child_ids(self.viewer, self.today)
                        )
                        self._child_ids = frozenset(rows)
        return self._child_ids

    async def params(self, names: Collection[str]) -> dict[str, Any]:
        """Values for the scope parameters among `names` (a statement's bound parameters)."""
        viewer = self.viewer
        values: dict[str, Any] = {}
        if VISIBLE_CHILDREN in names:
            values[VISIBLE_CHILDREN] = sorted(await self.child_ids())
        if VIEWER_ORGANISATION in names:
            values[VIEWER_ORGANISATION] = viewer.organisation_id if viewer else None
        if VIEWER_GUARDIAN in names:
            values[VIEWER_GUARDIAN] = viewer.guardian_id if viewer else None
        if VIEWER_STAFF_MEMBER in names:
            values[VIEWER_STAFF_MEMBER] = viewer.staff_member_id if viewer else None
        if VIEWER_IS_GUARDIAN in names:
            values[VIEWER_IS_GUARDIAN] = viewer is not None and viewer.is_guardian
        return values


def diary_entry_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `DiaryEntry`: whoever sees its child; staff only in the entry's group."""
    if viewer is None:
        return false()
    rule = and_(
        DiaryEntry.organisation_id == viewer.organisation_id,
        child_visible(DiaryEntry.child_id, viewer, today),
    )
    if viewer.is_staff:
        return and_(rule, staff_of_group(DiaryEntry.group_id, viewer))
    return rule


def placed_in_group_on(
    group_id: SQLColumnExpression[int],
    on: SQLColumnExpression[date],
    viewer: Viewer | None,
    today: date,
) -> ColumnElement[bool]:
    """Condition: a child the viewer sees was placed in `group_id` on day `on`."""
    # An alias of its own: callers may already have `placements` in their FROM list, which
    # this subquery must not correlate with.
    placed = aliased(Placement)
    return exists(
        select(placed.id).where(
            placed.group_id == group_id,
            placed.start_date <= on,
            or_(placed.end_date.is_(None), placed.end_date >= on),
            placed.child_id.in_(visible_child_ids(viewer, today)),
        )
    )


def group_post_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `GroupPost`: its group's staff; guardians of a child in it on that day."""
    if viewer is None:
        return false()
    same_tenant = GroupPost.organisation_id == viewer.organisation_id
    if viewer.is_staff:
        return and_(same_tenant, staff_of_group(GroupPost.group_id, viewer))
    return and_(
        same_tenant, placed_in_group_on(GroupPost.group_id, GroupPost.post_date, viewer, today)
    )


def photo_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `Photo`: visible with what it belongs to, or to whoever sees a tagged child.

    A photo in a diary entry is tagged with the entry's child; a group photo reaches the
    guardians of the group that day, and the timeline of each child tagged in it.
    """
    if viewer is None:
        return false()
    in_entry = Photo.diary_entry_id.in_(
        select(DiaryEntry.id).where(diary_entry_visible(viewer, today))
    )
    in_post = Photo.group_post_id.in_(select(GroupPost.id).where(group_post_visible(viewer, today)))
    tagged: ColumnElement[bool] = Photo.id.in_(
        select(PhotoTag.photo_id).where(child_visible(PhotoTag.child_id, viewer, today))
    )
    if viewer.is_staff:
        tagged = and_(tagged, staff_of_group(Photo.group_id, viewer))
    return and_(Photo.organisation_id == viewer.organisation_id, or_(in_entry, in_post, tagged))


def diary_export_visible(viewer: Viewer | None, today: date) -> ColumnElement[bool]:
    """Condition on `DiaryExport`: the guardian who asked, while they see the child."""
    if viewer is None or not viewer.is_guardian:
        return false()
    return and_(
        DiaryExport.organisation_id == viewer.organisation_id,
        DiaryExport.requested_by_account_id == viewer.account_id,
        child_visible(DiaryExport.child_id, viewer, today),
    )


__all__ = [
    "ACCESS_WINDOW",
    "Scope",
    "account_contact_visible",
    "child_in_scope",
    "child_visible",
    "diary_entry_visible",
    "diary_export_visible",
    "group_post_visible",
    "guardian_contact_visible",
    "guardian_in_scope",
    "guardian_visible",
    "in_organisation",
    "invoice_visible",
    "location_content_visible",
    "news_visible",
    "organisation_in_scope",
    "own_account_record",
    "photo_visible",
    "placed_in_group_on",
    "staff_of_group",
    "thread_in_scope",
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
