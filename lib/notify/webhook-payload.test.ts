import { describe, expect, it } from "vitest";
import type { DriftEvent } from "@/lib/drift/types";
import { detectFormat, webhookPayload } from "./webhook-payload";

function event(n: number, severity: DriftEvent["severity"] = "high"): DriftEvent {
  return {
    kind: "access.gained",
    severity,
    message: `User <Penny> & co gained admin on aks-${n} through azure-rbac`,
    cluster: { id: `/c/${n}`, name: `aks-${n}` },
    subject: { kind: "access.grant", key: `k${n}`, label: "Penny" },
    before: null,
    after: {},
    changes: [],
    links: [],
  };
}

const message = (count: number) => ({
  tenant: { id: "t", name: "Contoso" },
  from: "4",
  to: "7",
  events: Array.from({ length: count }, (_, i) => event(i)),
  minSeverity: "high" as const,
  publicUrl: "https://atlas.contoso.example",
});

describe("webhook payloads", () => {
  it("recognises Slack and Teams addresses", () => {
    expect(detectFormat("https://hooks.slack.com/services/T/B/X", "auto")).toBe("slack");
    expect(detectFormat("https://contoso.webhook.office.com/webhookb2/x", "auto")).toBe("teams");
    expect(detectFormat("https://prod-01.westeurope.logic.azure.com/workflows/x", "auto")).toBe("teams");
    expect(detectFormat("http://127.0.0.1:9000/hook", "auto")).toBe("generic");
    expect(detectFormat("https://hooks.slack.com/services/T/B/X", "teams")).toBe("teams");
  });

  it("gives Slack text and Block Kit blocks, escaped, with a link and at most ten events", () => {
    const payload = webhookPayload(message(12), "slack") as {
      text: string;
      blocks: Record<string, unknown>[];
    };
    expect(Object.keys(payload).sort()).toEqual(["blocks", "text"]);
    expect(payload.text).toBe(
      "AKS Identity Atlas: 12 drift events at or above high in Contoso (scan #7 against #4)",
    );
    const section = JSON.stringify(payload.blocks[1]);
    expect(section).toContain("User &lt;Penny&gt; &amp; co gained admin on aks-0");
    expect(section).toContain("…and 2 more");
    expect(section).not.toContain("aks-10 ");
    expect(JSON.stringify(payload.blocks[2])).toContain("https://atlas.contoso.example/drift?from=4&to=7");
  });

  it("gives Teams text and an Adaptive Card attachment", () => {
    const payload = webhookPayload(message(1), "teams") as {
      type: string;
      text: string;
      attachments: { contentType: string; content: { type: string; body: unknown[]; actions: unknown[] } }[];
    };
    expect(payload.type).toBe("message");
    expect(payload.text).toContain("1 drift event at or above high");
    expect(payload.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(payload.attachments[0].content.type).toBe("AdaptiveCard");
    expect(JSON.stringify(payload.attachments[0].content.body)).toContain("User <Penny> & co gained admin");
    expect(payload.attachments[0].content.actions).toHaveLength(1);
  });

  it("gives anything else both, and the events themselves", () => {
    const payload = webhookPayload(message(2), "generic") as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(["attachments", "blocks", "drift", "text"]);
    expect((payload.drift as { events: unknown[] }).events).toHaveLength(2);
  });
});
