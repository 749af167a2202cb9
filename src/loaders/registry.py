"""The set of DataLoaders a request gets, all bound to the same scoped reader."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from gateway.auth.viewer import Viewer
from gateway.models import (
    AccessToken,
    Account,
    CareRequest,
    CareRequestDay,
    Child,
    Consent,
    ConsentChange,
    Document,
    EmailFrequency,
    Event,
    Group,
    GroupSlot,
    Guardian,
    Invoice,
    Location,
    Message,
    NewsItem,
    Newsletter,
    Organisation,
    Placement,
    PlacementDay,
    Policy,
    StaffMember,
    SwapCredit,
    Thread,
)
from gateway.pagination import Page
from gateway.services.notifications import Settings
from loaders import (
    care,
    children,
    invoices,
    messages,
    news,
    notifications,
    organisation,
    people,
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
    """Named `<things>_by_<key>`; each returns results in key order (None/[] when not visible)."""

    def __init__(
        self,
        session: AsyncSession,
        viewer: Viewer | None,
        today: date,
        now: datetime | None = None,
    ) -> None:
        self.reader = reader = Reader(session=session, viewer=viewer, today=today, now=now)
        self.children_by_id: DataLoader[int, Child | None] = _bind(reader, children.children_by_id)
        self.children_by_guardian: DataLoader[int, list[Child]] = _bind(
            reader, children.children_by_guardian
        )
        self.guardians_by_child: DataLoader[int, list[Guardian]] = _bind(
            reader, children.guardians_by_child
        )
        self.placements_by_child: DataLoader[int, list[Placement]] = _bind(
            reader, children.placements_by_child
        )
        self.placements_by_id: DataLoader[int, Placement | None] = _bind(
            reader, children.placements_by_id
        )
        self.schedule_by_placement: DataLoader[int, list[PlacementDay]] = _bind(
            reader, children.schedule_by_placement
        )
        self.consents_by_child: DataLoader[int, list[Consent]] = _bind(
            reader, children.consents_by_child
        )
        self.consent_changes_by_child: DataLoader[int, list[ConsentChange]] = _bind(
            reader, children.consent_changes_by_child
        )
        self.organisations_by_id: DataLoader[int, Organisation | None] = _bind(
            reader, organisation.organisations_by_id
        )
        self.locations_by_id: DataLoader[int, Location | None] = _bind(
            reader, organisation.locations_by_id
        )
        self.groups_by_id: DataLoader[int, Group | None] = _bind(reader, organisation.groups_by_id)
        self.groups_by_location: DataLoader[int, list[Group]] = _bind(
            reader, organisation.groups_by_location
        )
        self.groups_by_staff: DataLoader[int, list[Group]] = _bind(
            reader, organisation.groups_by_staff
        )
        self.slots_by_group: DataLoader[int, list[GroupSlot]] = _bind(
            reader, organisation.slots_by_group
        )
        self.staff_by_id: DataLoader[int, StaffMember | None] = _bind(
            reader, organisation.staff_by_id
        )
        self.staff_by_group: DataLoader[int, list[StaffMember]] = _bind(
            reader, organisation.staff_by_group
        )
        self.guardians_by_id: DataLoader[int, Guardian | None] = _bind(
            reader, people.guardians_by_id
        )
        self.accounts_by_id: DataLoader[int, Account | None] = _bind(reader, people.accounts_by_id)
        self.accounts_by_guardian: DataLoader[int, Account | None] = _bind(
            reader, people.accounts_by_guardian
        )
        self.sessions_by_account: DataLoader[int, list[AccessToken]] = _bind(
            reader, people.sessions_by_account
        )
        self.sessions_by_id: DataLoader[int, AccessToken | None] = _bind(
            reader, people.sessions_by_id
        )
        self.email_frequency_by_account: DataLoader[int, EmailFrequency] = _bind(
            reader, people.email_frequency_by_account
        )
        self.display_names_by_account: DataLoader[int, str | None] = _bind(
            reader, people.display_names_by_account
        )
        self.threads_by_id: DataLoader[int, Thread | None] = _bind(reader, messages.threads_by_id)
        self.messages_by_id: DataLoader[int, Message | None] = _bind(
            reader, messages.messages_by_id
        )
        self.last_message_by_thread: DataLoader[int, Message | None] = _bind(
            reader, messages.last_message_by_thread
        )
        self.unread_counts_by_thread: DataLoader[int, int] = _bind(
            reader, messages.unread_counts_by_thread
        )
        self.message_pages_by_thread: DataLoader[messages.MessagePageKey, Page[Message]] = _bind(
            reader, messages.message_pages_by_thread
        )
        self.authors_by_account: DataLoader[int, messages.Author | None] = _bind(
            reader, messages.authors_by_account
        )
        self.notifications_by_id: DataLoader[int, Event | None] = _bind(
            reader, notifications.notifications_by_id
        )
        self.notification_settings_by_account: DataLoader[int, Settings | None] = _bind(
            reader, notifications.notification_settings_by_account
        )
        self.notification_markers_by_account: DataLoader[int, int] = _bind(
            reader, notifications.notification_markers_by_account
        )
        self.care_requests_by_id: DataLoader[int, CareRequest | None] = _bind(
            reader, care.care_requests_by_id
        )
        self.request_days_by_request: DataLoader[int, list[CareRequestDay]] = _bind(
            reader, care.request_days_by_request
        )
        self.swap_credits_by_child: DataLoader[int, list[SwapCredit]] = _bind(
            reader, care.swap_credits_by_child
        )
        self.held_swap_minutes_by_child: DataLoader[int, int] = _bind(
            reader, care.held_swap_minutes_by_child
        )
        self.group_slots_by_id: DataLoader[int, GroupSlot | None] = _bind(
            reader, care.group_slots_by_id
        )

        self.news_items_by_id: DataLoader[int, NewsItem | None] = _bind(
            reader, news.news_items_by_id
        )
        self.attachments_by_news: DataLoader[int, list[Document]] = _bind(
            reader, news.attachments_by_news
        )
        self.newsletters_by_id: DataLoader[int, Newsletter | None] = _bind(
            reader, news.newsletters_by_id
        )
        self.documents_by_newsletter: DataLoader[int, Document | None] = _bind(
            reader, news.documents_by_newsletter
        )
        self.policies_by_location: DataLoader[int, list[tuple[Policy, Document]]] = _bind(
            reader, news.policies_by_location
        )
        self.team_by_location: DataLoader[int, list[StaffMember]] = _bind(
            reader, news.team_by_location
        )

        self.invoices_by_id: DataLoader[int, Invoice | None] = _bind(
            reader, invoices.invoices_by_id
        )
        self.documents_by_invoice: DataLoader[int, Document | None] = _bind(
            reader, invoices.documents_by_invoice
        )

    def clear_all(self) -> None:
        """Forget cached rows, e.g. after a mutation changed them."""
        for value in vars(self).values():
            if isinstance(value, DataLoader):
                value.clear_all()


__all__ = ["Loaders"]
