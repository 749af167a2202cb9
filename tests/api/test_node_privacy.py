"""Every `Node` type through `node` and `nodes`, as insiders and as each kind of outsider.

The cases are keyed by the type names of the node registry and the test is parametrized by
that registry, so a type added to `node` without a case here fails: nothing is left out of
the walk. What a viewer may not see must answer exactly like an ID that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from gateway.ids import from_global_id, pk_of, to_global_id
from gateway.models import ConsentKind, Invoice, InvoiceKind, InvoiceStatus
from resolvers.nodes import NODE_TYPES
from resolvers.schema import schema
from tests.api.diary_support import entry_photos, grant, group_post, written
from tests.api.messaging import send, start
from tests.builders import World
from tests.care_support import MONDAY, REPORT_ABSENCE
from tests.news_support import Content
from tests.support import GraphQLClient

FIELDS = "__typename id ... on Account { email role } ... on Guardian { name contact: email }"
NODE = f"query($id: ID!) {{ node(id: $id) {{ {FIELDS} }} }}"
NODES = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {FIELDS} }} }}"
MISSING_PK = 987_654_321

# Own family (Anna, Bram), staff of the same group (Sita), another family of the same group
# (Carla), staff of another group (Tim), another organisation (Mo, a guardian; Mara, staff).
VIEWERS = ("anna", "bram", "sita", "carla", "tim", "mo", "mara")
ZON = frozenset({"anna", "bram", "sita", "carla", "tim"})
BO = frozenset({"anna", "bram", "sita"})  # Bo's guardians and the staff of his group
# Families with a child in Dolfijnen today (Bo; Carla's Cas) and the group's staff.
DOLFIJNEN = frozenset({"anna", "bram", "carla", "sita"})


@dataclass(frozen=True)
class Case:
    target: str  # a key of `Targets.ids`
    visible_to: frozenset[str]


CASES: dict[str, list[Case]] = {
    # Contact details: your own, and staff see those of the guardians of their children.
    "Account": [
        Case("anna_account", frozenset({"anna", "sita"})),
        Case("bram_account", frozenset({"bram", "sita"})),  # not the other guardian
        Case("carla_account", frozenset({"carla", "sita"})),
        Case("dani_account", frozenset({"dani"})),  # Dex left Vlinders: Tim no longer sees
        Case("eva_account", frozenset({"sita"})),  # Eli starts in 4 weeks in Dolfijnen
        Case("sita_account", frozenset({"sita"})),  # not colleagues, not parents
        # The same address as Anna's, at Maan: Mila's staff see it, Zon's staff do not.
        Case("mo_account", frozenset({"mo", "mara"})),
    ],
    "Guardian": [
        Case("anna_guardian", BO),
        Case("dani_guardian", frozenset({"dani"})),
    ],
    "Child": [Case("bo", BO), Case("dex", frozenset({"dani"}))],
    "Placement": [Case("bo_placement", BO)],
    "CareRequest": [Case("bo_absence", BO)],
    "Thread": [Case("bo_thread", BO)],
    "Message": [Case("bo_message", BO)],
    # Notification of Anna's message: not to Anna herself, who wrote it.
    "Notification": [Case("bo_notification", frozenset({"bram", "sita"}))],
    # Organisation-wide records: the team and the location are shown to every parent.
    "Organisation": [Case("zon", ZON), Case("maan", frozenset({"mo", "mara"}))],
    "Location": [Case("centrum", ZON)],
    "Group": [Case("vlinders", ZON)],
    "StaffMember": [Case("tim_staff", ZON)],
    # The child's day: a diary entry and its photo for Bo's guardians and group staff; a group
    # post for the families placed in the group on its date.
    "DiaryEntry": [Case("bo_entry", BO)],
    "Photo": [Case("bo_photo", BO)],
    "GroupPost": [Case("dolfijnen_post", DOLFIJNEN)],
    # The organisation's news and newsletters, for everyone of the organisation.
    "NewsItem": [Case("zon_news", ZON)],
    "Newsletter": [Case("zon_newsletter", ZON)],
    # A signed-in session: its own account only.
    "AccountSession": [Case("anna_session", frozenset({"anna"}))],
    # A diary export: the guardian who asked for it; an invoice: the guardian who pays it.
    "DiaryExport": [Case("anna_export", frozenset({"anna"}))],
    "Invoice": [Case("anna_invoice", frozenset({"anna"}))],
}


@dataclass
class Targets:
    world: World
    ids: dict[str, str]


async def targets(gql: GraphQLClient, world: World) -> Targets:
    """A global ID per case target: the builder's personas plus a thread and a request."""
    ids = {
        key: world.gid(type_name, name)
        for key, type_name, name in [
            ("bo", "Child", "bo"),
            ("dex", "Child", "dex"),
            ("bo_placement", "Placement", "bo_placement"),
            ("anna_guardian", "Guardian", "anna_guardian"),
            ("dani_guardian", "Guardian", "dani_guardian"),
            ("zon", "Organisation", "zon"),
            ("maan", "Organisation", "maan"),
            ("centrum", "Location", "centrum"),
            ("vlinders", "Group", "vlinders"),
        ]
    }
    for name in ("anna", "bram", "carla", "dani", "eva", "sita", "mo"):
        ids[f"{name}_account"] = to_global_id("Account", world.people[name].account_id)
    ids["tim_staff"] = to_global_id("StaffMember", world.people["tim"].person_id)
    ids["bo_thread"] = await start(gql, world, "anna", "bo", "Bo has a fever")
    reply = await send(gql, world, "anna", "He stays home", threadId=ids["bo_thread"])
    ids["bo_message"] = reply["message"]["id"]
    feed = await gql.data(
        "{ notifications(first: 1) { edges { node { id } } } }", token=world.token("sita")
    )
    ids["bo_notification"] = feed["notifications"]["edges"][0]["node"]["id"]
    absence = await gql.data(
        REPORT_ABSENCE,
        {"input": {"childIds": [ids["bo"]], "reason": "Ziek", "dates": [MONDAY.isoformat()]}},
        token=world.token("anna"),
    )
    assert absence["reportAbsence"]["errors"] == []
    ids["bo_absence"] = absence["reportAbsence"]["requests"][0]["id"]
    await grant(world, "bo", ConsentKind.DIARY)
    ids["bo_entry"] = await written(gql, world, "sita", "bo", "Bo built a tower.")
    [photo] = await entry_photos(world, pk_of(ids["bo_entry"], "DiaryEntry") or 0, "bo", 1)
    ids["bo_photo"] = to_global_id("Photo", photo)
    post = await group_post(world, "dolfijnen", world.now.date(), "To the park", world.now)
    ids["dolfijnen_post"] = to_global_id("GroupPost", post)
    yesterday = world.now - timedelta(days=1)
    content = Content(world)
    ids["zon_news"] = to_global_id("NewsItem", await content.news("zon", None, "Nieuws", yesterday))
    letter = await content.newsletter("zon", None, "Nieuwsbrief", yesterday)
    ids["zon_newsletter"] = to_global_id("Newsletter", letter)
    me = await gql.data("{ me { sessions { id } } }", token=world.token("anna"))
    ids["anna_session"] = me["me"]["sessions"][0]["id"]
    export = await gql.data(
        "mutation($input: RequestDiaryExportInput!) {"
        " requestDiaryExport(input: $input) { diaryExport { id } errors { code } } }",
        {"input": {"childId": ids["bo"], "from": "2026-01-01", "to": "2026-02-01"}},
        token=world.token("anna"),
    )
    assert export["requestDiaryExport"]["errors"] == []
    ids["anna_export"] = export["requestDiaryExport"]["diaryExport"]["id"]
    document = await content.document("zon", "F2026-001.pdf")
    async with world.db.sessionmaker() as s:
        invoice = Invoice(
            organisation_id=world.ids["zon"],
            payer_guardian_id=world.people["anna"].person_id,
            number="F2026-001",
            kind=InvoiceKind.INVOICE,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            amount_cents=123_456,
            status=InvoiceStatus.OPEN,
            document_id=document,
            published_at=world.now,
        )
        s.add(invoice)
        await s.commit()
        ids["anna_invoice"] = to_global_id("Invoice", invoice.id)
    return Targets(world, ids)


def type_of(global_id: str) -> str:
    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[0]


def test_every_node_type_of_the_schema_is_in_the_registry_and_has_a_case() -> None:
    node = schema._schema.get_type("Node")
    implementations = {t.name for t in schema._schema.get_possible_types(node)}  # type: ignore[arg-type]

    assert implementations == set(NODE_TYPES)
    assert set(CASES) == set(NODE_TYPES)


@pytest.mark.parametrize("type_name", sorted(NODE_TYPES))
async def test_node_answers_each_viewer_as_the_privacy_rule_says(
    gql: GraphQLClient, world: World, type_name: str
) -> None:
    cases = CASES.get(type_name)
    assert cases, f"no privacy case for the node type {type_name}: add one to CASES"
    found = await targets(gql, world)
    answers: dict[tuple[str, str], Any] = {}
    expected: dict[tuple[str, str], Any] = {}
    for case in cases:
        gid = found.ids[case.target]
        assert type_of(gid) == type_name
        missing = to_global_id(type_name, MISSING_PK)
        for viewer in (*VIEWERS, *(case.visible_to - set(VIEWERS))):
            token = world.token(viewer)
            one = await gql.execute(NODE, {"id": gid}, token=token)
            many = await gql.execute(NODES, {"ids": [gid, missing]}, token=token)
            answers[(case.target, viewer)] = (one, many)
            if viewer in case.visible_to:
                assert one["data"]["node"]["id"] == gid, (case.target, viewer, one)
                assert one["data"]["node"]["__typename"] == type_name
                expected[(case.target, viewer)] = (
                    one,
                    {"data": {"nodes": [one["data"]["node"], None]}},
                )
            else:
                absent = await gql.execute(NODE, {"id": missing}, token=token)
                assert absent == {"data": {"node": None}}
                expected[(case.target, viewer)] = (absent, {"data": {"nodes": [None, None]}})

    assert answers == expected


async def test_staff_read_the_contact_details_of_their_childrens_guardians_only(
    gql: GraphQLClient, world: World
) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Account { email role } } }"
    anna = to_global_id("Account", world.people["anna"].account_id)

    sita = await gql.data(query, {"id": anna}, token=world.token("sita"))
    tim = await gql.data(query, {"id": anna}, token=world.token("tim"))
    bram = await gql.data(query, {"id": anna}, token=world.token("bram"))

    assert sita == {"node": {"email": "anna@example.nl", "role": "GUARDIAN"}}
    assert tim == bram == {"node": None}


async def test_a_guardians_email_shows_to_themself_and_their_childrens_staff(
    gql: GraphQLClient, world: World
) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Guardian { email } } }"
    anna = world.gid("Guardian", "anna_guardian")

    answers = {
        viewer: (await gql.data(query, {"id": anna}, token=world.token(viewer)))["node"]
        for viewer in ("anna", "bram", "sita", "tim")
    }

    assert answers == {
        "anna": {"email": "anna@example.nl"},
        "bram": {"email": None},  # Bram sees Anna as Bo's other guardian, not her address
        "sita": {"email": "anna@example.nl"},
        "tim": None,
    }
