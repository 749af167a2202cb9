"""A page of news with attachments costs the same SQL statements for one item or many."""

from __future__ import annotations

from datetime import timedelta

from tests.builders import World
from tests.news_support import Content
from tests.support import GraphQLClient, RunningServer

NEWS_PAGE = """
{
  news(first: 100) {
    totalCount
    edges { node {
      id title summary bodyHtml publishedAt scope isPublished author
      location { name city }
      attachments { filename contentType sizeBytes url downloadUrl }
    } }
  }
  newsletters(first: 100) {
    edges { node { title summary location { name } document { filename url } } }
  }
}
"""


async def statements_for(gql: GraphQLClient, server: RunningServer, token: str) -> tuple[int, int]:
    await gql.data("{ me { id } }", token=token)  # the viewer cached, as on every later request
    server.statements.statements.clear()
    data = await gql.data(NEWS_PAGE, token=token)
    return len(server.statements.statements), data["news"]["totalCount"]


async def test_the_news_page_does_not_grow_with_the_items(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    content = Content(world)
    await content.news("zon", "centrum", "Eerste", world.now - timedelta(days=1), attachments=1)
    await content.newsletter("zon", "centrum", "Brief 0", world.now - timedelta(days=1))
    one, count_one = await statements_for(gql, server, world.token("anna"))

    for n in range(24):
        location = "centrum" if n % 2 else None
        author = "sita" if n % 3 else "tim"
        when = world.now - timedelta(hours=n + 1)
        await content.news("zon", location, f"Item {n}", when, attachments=3, author=author)
        await content.newsletter("zon", location, f"Brief {n + 1}", when)
    many, count_many = await statements_for(gql, server, world.token("anna"))

    assert (count_one, count_many) == (1, 25)
    assert one == many, server.statements.statements
    assert many <= 12, server.statements.statements
