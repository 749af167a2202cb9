"""Threads and messages between a child's guardians and its group's staff."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway import models
from gateway.ids import to_global_id
from loaders.messages import Author, message_page_key
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.node import After, Connection, First, Node, page_arguments
from resolvers.types.organisation import Group
from resolvers.types.people import Role


@strawberry.type(description="Who wrote a message: a name and a role, never contact details.")
class MessageAuthor:
    name: str = strawberry.field(description="Full name of the guardian or staff member.")
    role: Role = strawberry.field(description="Whether a guardian or a staff member wrote it.")

    @classmethod
    def from_author(cls, author: Author | None) -> MessageAuthor | None:
        if author is None:
            return None
        return cls(name=author.name, role=Role(author.role.value))


@strawberry.type(description="One message in a thread: plain text, with who sent it and when.")
class Message(Node):
    model: strawberry.Private[models.Message]
    body: str = strawberry.field(description="The text, as written (plain text, no markup).")
    sent_at: datetime = strawberry.field(description="When it was sent.")

    @classmethod
    def from_model(cls, m: models.Message) -> Message:
        return cls(
            id=strawberry.ID(to_global_id("Message", m.id)),
            model=m,
            body=m.body,
            sent_at=m.created_at,
        )

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info) -> MessageAuthor | None:
        row = await info.context.loaders.authors_by_account.load(self.model.author_account_id)
        return MessageAuthor.from_author(row)

    @strawberry.field(description="Whether you wrote it yourself (show it on your side).")
    def is_own(self, info: Info) -> bool:
        viewer = info.context.viewer
        return viewer is not None and viewer.account_id == self.model.author_account_id

    @strawberry.field(description="The thread it belongs to.")
    async def thread(self, info: Info) -> Thread | None:
        row = await info.context.loaders.threads_by_id.load(self.model.thread_id)
        return Thread.from_model(row) if row else None


@strawberry.type(
    description="A conversation about one child between its guardians and its group's staff."
)
class Thread(Node):
    model: strawberry.Private[models.Thread]
    subject: str | None = strawberry.field(description="Subject given when it was started, if any.")
    created_at: datetime = strawberry.field(description="When the thread was started.")
    last_message_at: datetime = strawberry.field(description="When its newest message was sent.")

    @classmethod
    def from_model(cls, m: models.Thread) -> Thread:
        return cls(
            id=strawberry.ID(to_global_id("Thread", m.id)),
            model=m,
            subject=m.subject,
            created_at=m.created_at,
            last_message_at=m.last_message_at,
        )

    @strawberry.field(description="The child the thread is about.")
    async def child(self, info: Info) -> Child | None:
        row = await info.context.loaders.children_by_id.load(self.model.child_id)
        return Child.from_model(row) if row else None

    @strawberry.field(description="The group whose staff take part.")
    async def group(self, info: Info) -> Group | None:
        row = await info.context.loaders.groups_by_id.load(self.model.group_id)
        return Group.from_model(row) if row else None

    @strawberry.field(description="Who started the thread.")
    async def started_by(self, info: Info) -> MessageAuthor | None:
        row = await info.context.loaders.authors_by_account.load(self.model.created_by_account_id)
        return MessageAuthor.from_author(row)

    @strawberry.field(description="The newest message, for the overview.")
    async def last_message(self, info: Info) -> Message | None:
        row = await info.context.loaders.last_message_by_thread.load(self.model.id)
        return Message.from_model(row) if row else None

    @strawberry.field(
        description="Messages of others you have not read yet (see `markThreadRead`)."
    )
    async def unread_count(self, info: Info) -> int:
        return await info.context.loaders.unread_counts_by_thread.load(self.model.id)

    @strawberry.field(
        description=(
            "The messages, newest first, so a chat opens at the bottom with the latest page; "
            "`after: endCursor` fetches older ones. Show them in reverse order."
        )
    )
    async def messages(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Message]:
        key = message_page_key(self.model.id, page_arguments(first, after, (int,)))
        page = await info.context.loaders.message_pages_by_thread.load(key)
        return Connection[Message].build(page.map(Message.from_model))
