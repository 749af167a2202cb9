"""Documents and helpers shared by the message and notification tests."""

from __future__ import annotations

from typing import Any

from tests.builders import World
from tests.support import GraphQLClient

SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) {
    message { id body sentAt isOwn author { name role } }
    thread { id subject child { name } group { name } }
    errors { code message field }
  }
}
"""
THREADS = """
query($first: Int, $after: String) {
  threads(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      subject child { name } group { name } unreadCount lastMessageAt
      lastMessage { body isOwn author { name role } }
    } }
  }
}
"""
MESSAGES = """
query($id: ID!, $first: Int, $after: String) {
  thread(id: $id) {
    messages(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node { body isOwn author { name role } } }
    }
  }
}
"""
MARK_READ = """
mutation($input: MarkThreadReadInput!) {
  markThreadRead(input: $input) { thread { unreadCount } errors { code message field } }
}
"""


async def send(
    gql: GraphQLClient, world: World, who: str, body: str, **target: Any
) -> dict[str, Any]:
    """Send as `who`; `target` is threadId=…, or childId=… (and subject=…). Must succeed."""
    data = await gql.data(SEND, {"input": {"body": body, **target}}, token=world.token(who))
    payload: dict[str, Any] = data["sendMessage"]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def start(gql: GraphQLClient, world: World, who: str, child: str, body: str) -> str:
    """A new thread about `child` with one message; returns the thread's ID."""
    payload = await send(gql, world, who, body, childId=world.gid("Child", child))
    thread_id: str = payload["thread"]["id"]
    return thread_id


def bodies(threads: dict[str, Any]) -> list[tuple[str | None, str, int]]:
    """(subject, last message body, unread count) per thread of a `threads` result."""
    return [
        (e["node"]["subject"], e["node"]["lastMessage"]["body"], e["node"]["unreadCount"])
        for e in threads["threads"]["edges"]
    ]
