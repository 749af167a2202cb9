"""Location content for tests on top of the `World` personas.

Adds location Noord to organisation Zon (group Uilen, staff Nina) where none of the personas'
children go, and helpers for documents, policies, roles, news and newsletters.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from gateway.models import (
    Document,
    Group,
    Location,
    NewsAttachment,
    NewsItem,
    Newsletter,
    Policy,
    PolicyKind,
    StaffMember,
    StaffRole,
    StaffRoleKind,
)
from tests.builders import World

_numbers = itertools.count(1)


@dataclass
class Content:
    world: World

    async def add_noord(self) -> int:
        async with self.world.db.sessionmaker() as s:
            noord = Location(organisation_id=self.world.ids["zon"], name="Noord", city="Utrecht")
            s.add(noord)
            await s.flush()
            s.add(
                Group(
                    organisation_id=self.world.ids["zon"],
                    location_id=noord.id,
                    name="Uilen",
                    capacity=8,
                )
            )
            await s.commit()
            self.world.ids["noord"] = noord.id
            return noord.id

    async def document(self, org: str, name: str, size: int = 1234) -> int:
        async with self.world.db.sessionmaker() as s:
            doc = Document(
                organisation_id=self.world.ids[org],
                storage_key=f"documents/{org}/{next(_numbers)}.pdf",
                filename=name,
                content_type="application/pdf",
                size_bytes=size,
                created_at=self.world.now,
            )
            s.add(doc)
            await s.commit()
            return doc.id

    async def grant_editor(self, staff: str, location: str | None) -> None:
        async with self.world.db.sessionmaker() as s:
            person = await s.get(StaffMember, self.world.people[staff].person_id)
            assert person is not None
            s.add(
                StaffRole(
                    organisation_id=person.organisation_id,
                    staff_member_id=person.id,
                    role=StaffRoleKind.NEWS_EDITOR,
                    location_id=self.world.ids[location] if location else None,
                )
            )
            await s.commit()

    async def news(
        self,
        org: str,
        location: str | None,
        title: str,
        publish_at: datetime,
        *,
        attachments: int = 0,
        author: str = "sita",
    ) -> int:
        documents = [await self.document(org, f"{title} {n}.pdf") for n in range(attachments)]
        async with self.world.db.sessionmaker() as s:
            author_id = (
                self.world.people[author].account_id
                if org == "zon"
                else self.world.people["mara"].account_id
            )
            item = NewsItem(
                organisation_id=self.world.ids[org],
                location_id=self.world.ids[location] if location else None,
                title=title,
                body_html=f"<p>{title}</p>",
                author_account_id=author_id,
                created_at=self.world.now,
                publish_at=publish_at,
                announced_at=publish_at if publish_at <= self.world.now else None,
            )
            s.add(item)
            await s.flush()
            s.add_all(
                NewsAttachment(news_item_id=item.id, document_id=d, position=n)
                for n, d in enumerate(documents)
            )
            await s.commit()
            return item.id

    async def newsletter(
        self, org: str, location: str | None, title: str, published_at: datetime
    ) -> int:
        document = await self.document(org, f"{title}.pdf")
        async with self.world.db.sessionmaker() as s:
            letter = Newsletter(
                organisation_id=self.world.ids[org],
                location_id=self.world.ids[location] if location else None,
                title=title,
                summary=f"Over {title}",
                document_id=document,
                published_at=published_at,
            )
            s.add(letter)
            await s.commit()
            return letter.id

    async def policy(self, org: str, location: str | None, kind: PolicyKind, title: str) -> int:
        document = await self.document(org, f"{title}.pdf")
        async with self.world.db.sessionmaker() as s:
            policy = Policy(
                organisation_id=self.world.ids[org],
                location_id=self.world.ids[location] if location else None,
                kind=kind,
                title=title,
                document_id=document,
                valid_from=date(2026, 1, 1),
            )
            s.add(policy)
            await s.commit()
            return policy.id
