"""The account page: own data, contact details, password change, sessions and their revocation."""

from __future__ import annotations

from tests.builders import PASSWORD, World
from tests.support import Database, GraphQLClient, RunningServer
from tests.ws_client import ws_connect

ACCOUNT = """
{
  me {
    email
    sessions { id current userAgent }
    guardian {
      name email phone address { street postcode city }
      children {
        name birthDate
        placements {
          careType startDate endDate flexHoursPot group { name location { name } }
          schedule { weekday startTime endTime }
        }
        swapHours { balance }
      }
    }
  }
}
"""
UPDATE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    guardian { phone address { street postcode city } }
    errors { code field }
  }
}
"""
CHANGE = """
mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { account { email } errors { code field } }
}
"""
REVOKE = """
mutation($id: ID!) {
  revokeSession(input: {id: $id}) { revokedSessionId errors { code field } }
}
"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {domain: "zon.example", email: $email, password: $password}) {
    token errors { code }
  }
}
"""
ME = "{ me { email } }"
FEED = "subscription { notifications { cursor } }"
NEW_PASSWORD = "lange zomeravonden"


async def login(
    gql: GraphQLClient, email: str = "anna@example.nl", password: str = PASSWORD
) -> str:
    data = await gql.data(LOGIN, {"email": email, "password": password})
    assert data["login"]["errors"] == [], data
    return str(data["login"]["token"])


async def test_a_guardian_sees_their_data_children_and_placements(
    gql: GraphQLClient, world: World
) -> None:
    data = await gql.data(ACCOUNT, token=world.token("anna"))

    me = data["me"]
    assert me["email"] == "anna@example.nl"
    assert me["sessions"] == [{"id": me["sessions"][0]["id"], "current": True, "userAgent": ""}]
    assert me["guardian"]["name"] == "Anna Vos"
    assert me["guardian"]["phone"] == "06 1234 5678"
    assert me["guardian"]["address"] == {"street": "", "postcode": "", "city": ""}
    [bo] = me["guardian"]["children"]
    assert bo["name"] == "Bo Vos"
    assert bo["placements"] == [
        {
            "careType": "DAYCARE",
            "startDate": "2025-02-03",
            "endDate": None,
            "flexHoursPot": None,
            "group": {"name": "Dolfijnen", "location": {"name": "Centrum"}},
            "schedule": [
                {"weekday": "MONDAY", "startTime": "08:00:00", "endTime": "18:00:00"},
                {"weekday": "WEDNESDAY", "startTime": "08:00:00", "endTime": "13:00:00"},
            ],
        }
    ]
    assert bo["swapHours"] == {"balance": 0.0}


async def test_the_other_parent_sees_names_but_not_contact_details(
    gql: GraphQLClient, world: World
) -> None:
    query = "{ children { edges { node { guardians { name phone address { city } } } } } }"

    data = await gql.data(query, token=world.token("anna"))

    [bo] = data["children"]["edges"]
    assert bo["node"]["guardians"] == [
        {"name": "Anna Vos", "phone": "06 1234 5678", "address": {"city": ""}},
        {"name": "Bram Vos", "phone": None, "address": None},
    ]


async def test_a_guardian_updates_their_contact_details(gql: GraphQLClient, world: World) -> None:
    data = await gql.data(
        UPDATE,
        {"input": {"phone": "+31 6 9876 5432", "street": "Oudegracht  12", "postcode": "3511ab"}},
        token=world.token("anna"),
    )

    assert data["updateProfile"] == {
        "guardian": {
            "phone": "+31 6 9876 5432",
            "address": {"street": "Oudegracht 12", "postcode": "3511 AB", "city": ""},
        },
        "errors": [],
    }
    staff_view = await gql.data(
        "{ children { edges { node { guardians { name phone } } } } }", token=world.token("sita")
    )
    phones = [g for e in staff_view["children"]["edges"] for g in e["node"]["guardians"]]
    assert {"name": "Anna Vos", "phone": "+31 6 9876 5432"} in phones


async def test_bad_contact_details_change_nothing(gql: GraphQLClient, world: World) -> None:
    bad_phone = await gql.data(
        UPDATE, {"input": {"phone": "call me", "city": "Utrecht"}}, token=world.token("anna")
    )
    bad_postcode = await gql.data(
        UPDATE, {"input": {"postcode": "35110", "city": "Utrecht"}}, token=world.token("anna")
    )
    too_long = await gql.data(UPDATE, {"input": {"city": "U" * 101}}, token=world.token("anna"))
    staff = await gql.data(UPDATE, {"input": {"phone": "0612345678"}}, token=world.token("sita"))
    anonymous = await gql.data(UPDATE, {"input": {"phone": "0612345678"}})

    assert bad_phone["updateProfile"]["errors"] == [
        {"code": "INVALID_INPUT", "field": ["input", "phone"]}
    ]
    assert bad_postcode["updateProfile"]["errors"] == [
        {"code": "INVALID_INPUT", "field": ["input", "postcode"]}
    ]
    assert too_long["updateProfile"]["errors"] == [
        {"code": "INVALID_INPUT", "field": ["input", "city"]}
    ]
    assert staff["updateProfile"]["errors"] == [{"code": "FORBIDDEN", "field": None}]
    assert anonymous["updateProfile"]["errors"] == [{"code": "UNAUTHENTICATED", "field": None}]
    me = await gql.data("{ me { guardian { address { city } } } }", token=world.token("anna"))
    assert me["me"]["guardian"]["address"]["city"] == ""


async def test_changing_the_password_ends_every_other_session(
    gql: GraphQLClient, world: World
) -> None:
    phone = await login(gql)
    laptop = await login(gql)

    data = await gql.data(
        CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
        token=laptop,
    )

    assert data["changePassword"] == {"account": {"email": "anna@example.nl"}, "errors": []}
    assert await gql.data(ME, token=laptop) == {"me": {"email": "anna@example.nl"}}
    assert await gql.token_refused(phone)
    assert await gql.token_refused(world.token("anna"))
    assert await gql.data(ME, token=world.token("bram")) == {"me": {"email": "bram@example.nl"}}
    old = await gql.data(LOGIN, {"email": "anna@example.nl", "password": PASSWORD})
    assert old["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    await login(gql, password=NEW_PASSWORD)


async def test_a_wrong_current_password_changes_nothing_and_is_throttled(
    gql: GraphQLClient, world: World, db: Database
) -> None:
    codes = []
    for _ in range(6):
        data = await gql.data(
            CHANGE,
            {"input": {"currentPassword": "not my password", "newPassword": NEW_PASSWORD}},
            token=world.token("anna"),
        )
        codes.append(data["changePassword"]["errors"][0]["code"])
    right_but_blocked = await gql.data(
        CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
        token=world.token("anna"),
    )

    assert codes == ["INVALID_CREDENTIALS"] * 5 + ["TOO_MANY_ATTEMPTS"]
    assert right_but_blocked["changePassword"]["errors"] == [
        {"code": "TOO_MANY_ATTEMPTS", "field": ["input", "currentPassword"]}
    ]
    await login(gql)  # the password is unchanged


async def test_a_weak_or_unchanged_new_password_is_refused(
    gql: GraphQLClient, world: World
) -> None:
    weak = await gql.data(
        CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": "kort"}},
        token=world.token("anna"),
    )
    same = await gql.data(
        CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": PASSWORD}},
        token=world.token("anna"),
    )

    assert weak["changePassword"]["errors"] == [
        {"code": "PASSWORD_TOO_WEAK", "field": ["input", "newPassword"]}
    ]
    assert same["changePassword"]["errors"] == [
        {"code": "INVALID_INPUT", "field": ["input", "newPassword"]}
    ]
    assert await gql.data(ME, token=world.token("anna")) == {"me": {"email": "anna@example.nl"}}


async def test_sessions_are_listed_and_one_can_be_ended(gql: GraphQLClient, world: World) -> None:
    other = await login(gql)
    listed = await gql.data(
        "{ me { sessions { id current userAgent } } }", token=world.token("anna")
    )
    sessions = listed["me"]["sessions"]
    assert [s["current"] for s in sessions] == [False, True]  # newest first
    assert sessions[0]["userAgent"].startswith("python-httpx/")  # as the login named itself

    data = await gql.data(REVOKE, {"id": sessions[0]["id"]}, token=world.token("anna"))

    assert data["revokeSession"] == {"revokedSessionId": sessions[0]["id"], "errors": []}
    assert await gql.token_refused(other)
    after = await gql.data("{ me { sessions { current } } }", token=world.token("anna"))
    assert after["me"]["sessions"] == [{"current": True}]


async def test_someone_elses_session_looks_like_no_session(
    gql: GraphQLClient, world: World
) -> None:
    bram = await gql.data("{ me { sessions { id } } }", token=world.token("bram"))
    bram_session = bram["me"]["sessions"][0]["id"]

    revoke = await gql.data(REVOKE, {"id": bram_session}, token=world.token("anna"))
    guessed = await gql.data(REVOKE, {"id": "not-an-id"}, token=world.token("anna"))
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": bram_session}, token=world.token("sita")
    )

    assert (
        revoke["revokeSession"]
        == guessed["revokeSession"]
        == {
            "revokedSessionId": None,
            "errors": [{"code": "NOT_FOUND", "field": ["input", "id"]}],
        }
    )
    assert node == {"node": None}
    assert await gql.data(ME, token=world.token("bram")) == {"me": {"email": "bram@example.nl"}}


async def test_a_password_change_closes_the_other_sessions_sockets(
    gql: GraphQLClient, server: RunningServer, world: World
) -> None:
    laptop = await login(gql)
    async with ws_connect(server.url) as phone, ws_connect(server.url) as desk:
        await phone.init(world.token("anna"))
        await phone.subscribe("1", FEED)
        await desk.init(laptop)
        await desk.subscribe("1", FEED)

        await gql.data(
            CHANGE,
            {"input": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}},
            token=laptop,
        )

        assert await phone.closed() == (4403, "Forbidden")
        await desk.subscribe("q", ME)  # the session that changed it stays connected
        assert await desk.next_data() == {"me": {"email": "anna@example.nl"}}
