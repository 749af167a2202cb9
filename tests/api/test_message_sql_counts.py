"""Threads and the notification feed cost a fixed number of SQL statements, however many."""

from __future__ import annotations

from tests.api.messaging import send, start
from tests.builders import World
from tests.support import GraphQLClient, RunningServer

THREADS = """
{
  threads(first: 100) {
    totalCount
    edges { node {
      id subject createdAt lastMessageAt unreadCount
      child { name group { name } }
      group { name location { name } }
      startedBy { name role }
      lastMessage { body sentAt isOwn author { name role } thread { id } }
      messages(first: 10) {
        totalCount pageInfo { hasNextPage }
        edges { node { body isOwn author { name role } } }
      }
    } }
  }
}
"""
FEED = """
{
  notifications(first: 100) {
    totalCount unreadCount
    edges { node {
      kind category isRead createdAt child { name } group { name }
      thread { subject unreadCount lastMessage { body } }
      subject { ... on Message { body author { name } } }
    } }
  }
}
"""


async def conversations(gql: GraphQLClient, world: World, count: int) -> None:
    """`count` threads about Bo, each with Anna's question and Sita's answer."""
    for n in range(count):
        thread = await start(gql, world, "anna", "bo", f"Question {n}")
        await send(gql, world, "sita", f"Answer {n}", threadId=thread)


async def statements_for(
    gql: GraphQLClient, server: RunningServer, world: World, query: str, who: str
) -> int:
    """Statements of the query alone: the token is known (its viewer cached) beforehand."""
    await gql.data("{ __typename }", token=world.token(who))
    server.statements.statements.clear()
    await gql.data(query, token=world.token(who))
    return len(server.statements.statements)


async def test_threads_cost_the_same_for_1_and_25_threads(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await conversations(gql, world, 1)
    one = await statements_for(gql, server, world, THREADS, "anna")

    await conversations(gql, world, 24)
    many = await statements_for(gql, server, world, THREADS, "anna")
    data = await gql.data(THREADS, token=world.token("anna"))

    assert data["threads"]["totalCount"] == 25
    assert one == many
    assert many <= 14, server.statements.statements


async def test_the_feed_costs_the_same_for_1_and_25_notifications(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    await conversations(gql, world, 1)
    one = await statements_for(gql, server, world, FEED, "bram")

    await conversations(gql, world, 24)
    many = await statements_for(gql, server, world, FEED, "bram")
    data = await gql.data(FEED, token=world.token("bram"))

    assert data["notifications"]["totalCount"] == 50
    assert one == many
    assert many <= 12, server.statements.statements
