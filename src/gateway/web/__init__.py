"""The HTTP and WebSocket edge: GraphQL over HTTP, the graphql-ws protocols, socket delivery.

Everything here speaks a protocol to clients and calls into the rest of the application;
nothing else in `gateway` imports it except the wiring in `app.py`.
"""

from gateway.web.graphql_http import GraphQLHTTP
from gateway.web.graphql_ws import GraphQLWebSocket
from gateway.web.media import MediaEndpoint

__all__ = ["GraphQLHTTP", "GraphQLWebSocket", "MediaEndpoint"]
