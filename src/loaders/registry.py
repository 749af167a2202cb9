"""The set of DataLoaders a request gets, all bound to the same scoped reader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from gateway.auth.viewer import Viewer
from gateway.domain import OpeningHours
from gateway.models import (
    AccessToken,
    Account,
    CareRequest,
    CareRequestDay,
    Child,
    Consent,
    ConsentChange,
    DiaryEntry,
    DiaryExport,
    Document,
    EmailFrequency,
    Event,
    Group,
    GroupPost,
    GroupSlot,
    Guardian,
    Invoice,
    Location,
    Message,
    NewsItem,
    Newsletter,
    Organisation,
    Photo,
    Placement,
    PlacementDay,
    Policy,
    StaffMember,
    Thread,
)
from gateway.pagination import Page
from gateway.services.flex_days import PotUse
from gateway.services.notifications import Settings
from loaders import (
    care,
    children,
    diary,
    invoices,
    messages,
    news,
    notifications,
    organisation,
    people,
    timeline,
)
from loaders.base import Reader

K = TypeVar("K")
V = TypeVar("V")


def _bind(
    reader: Reader, fn: Callable[[Reader, Sequence[K]], Awaitable[list[V]]]
) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> list[V]:
        return await fn(reader, keys)

    return DataLoader(load_fn=load)


class Loaders:
    """Named `<things>_by_<key>`; each returns results in key order (None/[] when not visible).

    Each loader is made on first use: a request touches a handful of the dozens here.
    """

    def __init__(
        self,
        session: AsyncSession,
        viewer: Viewer | None,
        today: date,
        now: datetime | None = None,
    ) -> None:
        self.reader = Reader(session=session, viewer=viewer, today=today, now=now)

    @cached_property
    def children_by_id(self) -> DataLoader[int, Child | None]:
        return _bind(self.reader, children.children_by_id)

    @cached_property
    def children_by_guardian(self) -> DataLoader[int, list[Child]]:
        return _bind(self.reader, children.children_by_guardian)

    @cached_property
    def guardians_by_child(self) -> DataLoader[int, list[Guardian]]:
        return _bind(self.reader, children.guardians_by_child)

    @cached_property
    def placements_by_child(self) -> DataLoader[int, list[Placement]]:
        return _bind(self.reader, children.placements_by_child)

    @cached_property
    def placements_by_id(self) -> DataLoader[int, Placement | None]:
        return _bind(self.reader, children.placements_by_id)

    @cached_property
    def schedule_by_placement(self) -> DataLoader[int, list[PlacementDay]]:
        return _bind(self.reader, children.schedule_by_placement)

    @cached_property
    def consents_by_child(self) -> DataLoader[int, list[Consent]]:
        return _bind(self.reader, children.consents_by_child)

    @cached_property
    def consent_changes_by_child(self) -> DataLoader[int, list[ConsentChange]]:
        return _bind(self.reader, children.consent_changes_by_child)

    @cached_property
    def organisations_by_id(self) -> DataLoader[int, Organisation | None]:
        return _bind(self.reader, organisation.organisations_by_id)

    @cached_property
    def locations_by_id(self) -> DataLoader[int, Location | None]:
        return _bind(self.reader, organisation.locations_by_id)

    @cached_property
    def groups_by_id(self) -> DataLoader[int, Group | None]:
        return _bind(self.reader, organisation.groups_by_id)

    @cached_property
    def groups_by_location(self) -> DataLoader[int, list[Group]]:
        return _bind(self.reader, organisation.groups_by_location)

    @cached_property
    def groups_by_staff(self) -> DataLoader[int, list[Group]]:
        return _bind(self.reader, organisation.groups_by_staff)

    @cached_property
    def slots_by_group(self) -> DataLoader[int, list[GroupSlot]]:
        return _bind(self.reader, organisation.slots_by_group)

    @cached_property
    def staff_by_id(self) -> DataLoader[int, StaffMember | None]:
        return _bind(self.reader, organisation.staff_by_id)

    @cached_property
    def staff_by_group(self) -> DataLoader[int, list[StaffMember]]:
        return _bind(self.reader, organisation.staff_by_group)

    @cached_property
    def guardians_by_id(self) -> DataLoader[int, Guardian | None]:
        return _bind(self.reader, people.guardians_by_id)

    @cached_property
    def accounts_by_id(self) -> DataLoader[int, Account | None]:
        return _bind(self.reader, people.accounts_by_id)

    @cached_property
    def accounts_by_guardian(self) -> DataLoader[int, Account | None]:
        return _bind(self.reader, people.accounts_by_guardian)

    @cached_property
    def display_names_by_account(self) -> DataLoader[int, str | None]:
        return _bind(self.reader, people.display_names_by_account)

    @cached_property
    def threads_by_id(self) -> DataLoader[int, Thread | None]:
        return _bind(self.reader, messages.threads_by_id)

    @cached_property
    def messages_by_id(self) -> DataLoader[int, Message | None]:
        return _bind(self.reader, messages.messages_by_id)

    @cached_property
    def last_message_by_thread(self) -> DataLoader[int, Message | None]:
        return _bind(self.reader, messages.last_message_by_thread)

    @cached_property
    def unread_counts_by_thread(self) -> DataLoader[int, int]:
        return _bind(self.reader, messages.unread_counts_by_thread)

    @cached_property
    def message_pages_by_thread(self) -> DataLoader[messages.MessagePageKey, Page[Message]]:
        return _bind(self.reader, messages.message_pages_by_thread)

    @cached_property
    def authors_by_account(self) -> DataLoader[int, messages.Author | None]:
        return _bind(self.reader, messages.authors_by_account)

    @cached_property
    def notifications_by_id(self) -> DataLoader[int, Event | None]:
        return _bind(self.reader, notifications.notifications_by_id)

    @cached_property
    def notification_settings_by_account(self) -> DataLoader[int, Settings | None]:
        return _bind(self.reader, notifications.notification_settings_by_account)

    @cached_property
    def notification_markers_by_account(self) -> DataLoader[int, int]:
        return _bind(self.reader, notifications.notification_markers_by_account)

    @cached_property
    def care_requests_by_id(self) -> DataLoader[int, CareRequest | None]:
        return _bind(self.reader, care.care_requests_by_id)

    @cached_property
    def request_days_by_request(self) -> DataLoader[int, list[CareRequestDay]]:
        return _bind(self.reader, care.request_days_by_request)

    @cached_property
    def swap_credits_by_child(self) -> DataLoader[int, list[care.CreditView]]:
        return _bind(self.reader, care.swap_credits_by_child)

    @cached_property
    def held_swap_minutes_by_child(self) -> DataLoader[int, int]:
        return _bind(self.reader, care.held_swap_minutes_by_child)

    @cached_property
    def group_slots_by_id(self) -> DataLoader[int, GroupSlot | None]:
        return _bind(self.reader, care.group_slots_by_id)

    @cached_property
    def diary_entries_by_id(self) -> DataLoader[int, DiaryEntry | None]:
        return _bind(self.reader, diary.diary_entries_by_id)

    @cached_property
    def diary_exports_by_id(self) -> DataLoader[int, DiaryExport | None]:
        return _bind(self.reader, diary.diary_exports_by_id)

    @cached_property
    def group_posts_by_id(self) -> DataLoader[int, GroupPost | None]:
        return _bind(self.reader, diary.group_posts_by_id)

    @cached_property
    def photos_by_id(self) -> DataLoader[int, Photo | None]:
        return _bind(self.reader, diary.photos_by_id)

    @cached_property
    def photos_by_diary_entry(self) -> DataLoader[int, list[Photo]]:
        return _bind(self.reader, diary.photos_by_diary_entry)

    @cached_property
    def photos_by_group_post(self) -> DataLoader[int, list[Photo]]:
        return _bind(self.reader, diary.photos_by_group_post)

    @cached_property
    def tagged_children_by_photo(self) -> DataLoader[int, list[Child]]:
        return _bind(self.reader, diary.tagged_children_by_photo)

    @cached_property
    def consent_roster_by_group_day(self) -> DataLoader[diary.RosterKey, list[diary.ConsentStatus]]:
        return _bind(self.reader, diary.consent_roster_by_group_day)

    @cached_property
    def timeline_pages_by_child(
        self,
    ) -> DataLoader[timeline.TimelineKey, Page[timeline.TimelineRef]]:
        return _bind(self.reader, timeline.timeline_pages_by_child)

    @cached_property
    def opening_hours_by_location(self) -> DataLoader[int, OpeningHours]:
        return _bind(self.reader, organisation.opening_hours_by_location)

    @cached_property
    def flex_use_by_placement(self) -> DataLoader[int, dict[int, PotUse]]:
        return _bind(self.reader, care.flex_use_by_placement)

    @cached_property
    def sessions_by_account(self) -> DataLoader[int, list[AccessToken]]:
        return _bind(self.reader, people.sessions_by_account)

    @cached_property
    def sessions_by_id(self) -> DataLoader[int, AccessToken | None]:
        return _bind(self.reader, people.sessions_by_id)

    @cached_property
    def email_frequency_by_account(self) -> DataLoader[int, EmailFrequency]:
        return _bind(self.reader, people.email_frequency_by_account)

    @cached_property
    def news_items_by_id(self) -> DataLoader[int, NewsItem | None]:
        return _bind(self.reader, news.news_items_by_id)

    @cached_property
    def attachments_by_news(self) -> DataLoader[int, list[Document]]:
        return _bind(self.reader, news.attachments_by_news)

    @cached_property
    def newsletters_by_id(self) -> DataLoader[int, Newsletter | None]:
        return _bind(self.reader, news.newsletters_by_id)

    @cached_property
    def documents_by_newsletter(self) -> DataLoader[int, Document | None]:
        return _bind(self.reader, news.documents_by_newsletter)

    @cached_property
    def policies_by_location(self) -> DataLoader[int, list[tuple[Policy, Document]]]:
        return _bind(self.reader, news.policies_by_location)

    @cached_property
    def team_by_location(self) -> DataLoader[int, list[StaffMember]]:
        return _bind(self.reader, news.team_by_location)

    @cached_property
    def invoices_by_id(self) -> DataLoader[int, Invoice | None]:
        return _bind(self.reader, invoices.invoices_by_id)

    @cached_property
    def documents_by_invoice(self) -> DataLoader[int, Document | None]:
        return _bind(self.reader, invoices.documents_by_invoice)

    def clear_all(self) -> None:
        """Forget cached rows, e.g. after a mutation changed them (of the loaders made so far)."""
        for value in vars(self).values():
            if isinstance(value, DataLoader):
                value.clear_all()


__all__ = ["Loaders"]
