"""Apollo's automatic persisted queries over real HTTP: miss, register, hit."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import httpx

from tests.support import GraphQLClient, answer

MODERN = {"Accept": "application/graphql-response+json"}


def _unique_document() -> str:
    # The server lives for the whole run: a fresh document is one it cannot have seen.
    return f"query Hello {{ __typename }} # {secrets.token_hex(8)}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _apq(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


async def test_a_miss_asks_for_the_document_then_the_hash_alone_runs(gql: GraphQLClient) -> None:
    document = _unique_document()
    sha = _sha(document)
    # Apollo Server answers a miss with 200, so apollo-client retries with the document.
    for headers in ({}, MODERN):
        miss = await gql.http.post(gql.url, json={"extensions": _apq(sha)}, headers=headers)
        assert miss.status_code == 200
        assert answer(miss) == {
            "errors": [
                {
                    "message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
                }
            ]
        }
    full = await gql.http.post(gql.url, json={"query": document, "extensions": _apq(sha)})
    assert full.status_code == 200
    assert answer(full) == {"data": {"__typename": "Query"}}
    for headers in ({}, MODERN):
        hit = await gql.http.post(gql.url, json={"extensions": _apq(sha)}, headers=headers)
        assert hit.status_code == 200
        assert answer(hit) == {"data": {"__typename": "Query"}}


async def test_a_hash_alone_runs_over_get(gql: GraphQLClient) -> None:
    document = _unique_document()
    extensions = json.dumps(_apq(_sha(document)))
    miss = await gql.http.get(gql.url, params={"extensions": extensions})
    assert miss.status_code == 200
    assert answer(miss)["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_FOUND"}
    full = await gql.http.get(gql.url, params={"query": document, "extensions": extensions})
    assert answer(full) == {"data": {"__typename": "Query"}}
    hit = await gql.http.get(gql.url, params={"extensions": extensions})
    assert hit.status_code == 200
    assert answer(hit) == {"data": {"__typename": "Query"}}


async def test_a_hash_that_is_not_the_documents_is_refused_and_not_kept(
    gql: GraphQLClient,
) -> None:
    document, other = _unique_document(), _unique_document()
    wrong = _sha(other)
    refused = await gql.http.post(
        gql.url, json={"query": document, "extensions": _apq(wrong)}, headers=MODERN
    )
    assert refused.status_code == 400
    assert answer(refused) == {
        "errors": [
            {
                "message": "provided sha does not match query",
                "extensions": {"code": "PERSISTED_QUERY_HASH_MISMATCH"},
            }
        ]
    }
    # Neither document is now known by that hash.
    miss = await gql.http.post(gql.url, json={"extensions": _apq(wrong)})
    assert answer(miss)["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_a_persisted_document_keeps_the_bounds_of_any_other(gql: GraphQLClient) -> None:
    deep = "query Deep " + "{ me " * 60 + "{ id }" + " }" * 60 + f" # {secrets.token_hex(8)}"
    sha = _sha(deep)
    refused = await gql.http.post(gql.url, json={"query": deep, "extensions": _apq(sha)})
    errors = answer(refused)["errors"]
    assert errors[0]["extensions"]["code"] in ("DEPTH_LIMIT_EXCEEDED", "DOCUMENT_TOO_COMPLEX")
    # What did not prepare is not kept: the hash alone is still a miss.
    miss = await gql.http.post(gql.url, json={"extensions": _apq(sha)})
    assert answer(miss)["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_malformed_persisted_query_extensions_are_request_errors(
    gql: GraphQLClient,
) -> None:
    for persisted in ({"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "x"}):
        response = await gql.http.post(
            gql.url, json={"extensions": {"persistedQuery": persisted}}, headers=MODERN
        )
        assert response.status_code == 400
        assert answer(response)["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    # Without a query, a hash or a document id the request is still malformed.
    response = await gql.http.post(gql.url, json={"extensions": {}}, headers=MODERN)
    assert response.status_code == 400


async def test_no_document_at_all_is_still_refused(gql: GraphQLClient) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(gql.url, json={"variables": {}}, headers=MODERN)
    assert response.status_code == 400
