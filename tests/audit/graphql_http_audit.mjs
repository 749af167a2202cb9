// The graphql-http server audits (GraphQL over HTTP spec) against a running gateway.
// Usage: node graphql_http_audit.mjs http://127.0.0.1:8000/graphql
// Prints one JSON array of {id, name, status, reason} to stdout; the pytest test judges it.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql_http_audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
const report = await Promise.all(
  results.map(async (result) => ({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.reason ?? null,
    // What the server answered, for a failing audit's message.
    body: result.status === 'ok' ? null : await result.response.text().catch(() => null),
  })),
);
process.stdout.write(JSON.stringify(report) + '\n');
