import type { DriftEvent } from "@/lib/drift/types";
import type { Severity } from "@/lib/findings/types";
import type { WebhookFormat } from "@/lib/notify/webhook-format";

// What a drift webhook posts. Slack incoming webhooks take `text` (the notification and fallback) plus
// Block Kit `blocks`; Teams incoming webhooks and Workflows take `text` plus an Adaptive Card attachment.
// "generic" sends both and the events themselves, for anything else that reads JSON.

export type WebhookMessage = {
  tenant: { id: string; name: string };
  from: string;
  to: string;
  /** the events to send, already filtered to the threshold and sorted most severe first */
  events: readonly DriftEvent[];
  minSeverity: Severity;
  /** base URL of the app for links, when known */
  publicUrl?: string;
};

const SHOWN = 10;
const ICON: Record<Severity, string> = {
  critical: "🔴",
  high: "🟠",
  medium: "🟡",
  low: "🔵",
  info: "⚪",
};

/** Slack and Teams addresses are recognisable; anything else gets the generic payload. */
export function detectFormat(url: string, configured: WebhookFormat): Exclude<WebhookFormat, "auto"> {
  if (configured !== "auto") return configured;
  const host = new URL(url).hostname.toLowerCase();
  if (host === "hooks.slack.com" || host.endsWith(".slack.com")) return "slack";
  if (
    host.endsWith(".webhook.office.com") ||
    host.endsWith(".logic.azure.com") ||
    host.endsWith(".powerautomate.com") ||
    host.endsWith(".powerplatform.com")
  ) {
    return "teams";
  }
  return "generic";
}

function summaryText(message: WebhookMessage): string {
  const n = message.events.length;
  return `AKS Identity Atlas: ${n} drift event${n === 1 ? "" : "s"} at or above ${message.minSeverity} in ${message.tenant.name} (scan #${message.to} against #${message.from})`;
}

function driftUrl(message: WebhookMessage): string | null {
  if (!message.publicUrl) return null;
  return new URL(`/drift?from=${message.from}&to=${message.to}`, message.publicUrl).toString();
}

/** Slack mrkdwn treats &, < and > as control characters. */
function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function slackBlocks(message: WebhookMessage): unknown[] {
  const shown = message.events.slice(0, SHOWN);
  const lines = shown.map((e) => `${ICON[e.severity]} *${e.severity}* ${slackEscape(e.message)}`);
  const more = message.events.length - shown.length;
  if (more > 0) lines.push(`…and ${more} more`);
  const url = driftUrl(message);
  return [
    { type: "header", text: { type: "plain_text", text: `Drift in ${message.tenant.name}`.slice(0, 150) } },
    // A section's text is limited to 3000 characters.
    { type: "section", text: { type: "mrkdwn", text: lines.join("\n").slice(0, 2900) } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: url
            ? `Scan #${message.to} against #${message.from} · <${url}|Open in AKS Identity Atlas>`
            : `Scan #${message.to} against #${message.from}`,
        },
      ],
    },
  ];
}

function adaptiveCard(message: WebhookMessage): unknown {
  const shown = message.events.slice(0, SHOWN);
  const more = message.events.length - shown.length;
  const url = driftUrl(message);
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      {
        type: "TextBlock",
        size: "Medium",
        weight: "Bolder",
        text: `Drift in ${message.tenant.name}`,
        wrap: true,
      },
      {
        type: "TextBlock",
        isSubtle: true,
        spacing: "None",
        text: `Scan #${message.to} against #${message.from}`,
        wrap: true,
      },
      ...shown.map((e) => ({
        type: "TextBlock",
        wrap: true,
        text: `${ICON[e.severity]} **${e.severity}** ${e.message}`,
      })),
      ...(more > 0 ? [{ type: "TextBlock", isSubtle: true, text: `…and ${more} more`, wrap: true }] : []),
    ],
    ...(url ? { actions: [{ type: "Action.OpenUrl", title: "Open in AKS Identity Atlas", url }] } : {}),
  };
}

export function webhookPayload(message: WebhookMessage, format: Exclude<WebhookFormat, "auto">): unknown {
  const text = summaryText(message);
  const card = {
    contentType: "application/vnd.microsoft.card.adaptive",
    contentUrl: null,
    content: adaptiveCard(message),
  };
  switch (format) {
    case "slack":
      return { text, blocks: slackBlocks(message) };
    case "teams":
      return { type: "message", text, attachments: [card] };
    case "generic":
      return {
        text,
        blocks: slackBlocks(message),
        attachments: [card],
        drift: {
          tenantId: message.tenant.id,
          from: message.from,
          to: message.to,
          events: message.events.map(({ kind, severity, message: sentence, cluster, subject, links }) => ({
            kind,
            severity,
            message: sentence,
            cluster,
            subject,
            links,
          })),
        },
      };
  }
}
