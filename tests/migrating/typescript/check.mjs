// Speakeasy's TypeScript SDK against the local events server: post events, read them back
// through every read operation, print what came back as JSON (checked by
// test_typescript_sdk.py). Usage: node check.mjs <serverURL> <apiKey>
import { Speakeasy } from "@speakeasy-api/speakeasy-client-sdk-typescript";

const [serverURL, apiKey] = process.argv.slice(2);
const sdk = new Speakeasy({ serverURL, workspaceId: "ws-ts", security: { apiKey } });
const at = (second) => new Date(Date.UTC(2024, 10, 21, 6, 0, second));
const base = {
  executionId: "exec-ts",
  interactionType: "TARGET_GENERATE",
  localStartedAt: at(0),
  speakeasyApiKeyName: "key-name",
  speakeasyVersion: "1.0.0",
  success: true,
  workspaceId: "ws-ts",
};

await sdk.events.post({
  requestBody: [
    { ...base, id: "gen-1", createdAt: at(10), generateGenLockId: "lock-1", generateTarget: "typescript" },
    {
      ...base,
      id: "pub-1",
      createdAt: at(20),
      interactionType: "PUBLISH",
      generateGenLockId: "lock-1",
      ghActionRunLink: "https://example.test/run/1",
    },
    { ...base, id: "lint-1", createdAt: at(15), interactionType: "LINT", success: false },
  ],
});
await sdk.events.post({
  workspaceId: "ws-other",
  requestBody: [
    { ...base, id: "other-1", createdAt: at(30), workspaceId: "ws-other", generateGenLockId: "lock-2" },
  ],
});

const out = {
  all: await sdk.events.search({}),
  publish: await sdk.events.search({ interactionType: "PUBLISH" }),
  failed: await sdk.events.search({ success: false }),
  limited: await sdk.events.search({ limit: 1 }),
  byTarget: await sdk.events.getEventsByTarget({ targetId: "lock-1" }),
  byTargetAfter: await sdk.events.getEventsByTarget({ targetId: "lock-1", afterCreatedAt: at(15) }),
  targets: await sdk.events.getTargets({}),
  targetsAfter: await sdk.events.getTargets({ afterLastEventCreatedAt: at(25) }),
  deprecated: await sdk.events.getTargetsDeprecated({}),
  deprecatedOther: await sdk.events.getTargetsDeprecated({ workspaceId: "ws-other" }),
  error: null,
};
try {
  const wrong = new Speakeasy({ serverURL, workspaceId: "ws-ts", security: { apiKey: "wrong" } });
  await wrong.events.search({});
} catch (e) {
  out.error = { name: e.constructor.name, statusCode: e.statusCode, message: e.message };
}
console.log(JSON.stringify(out));
