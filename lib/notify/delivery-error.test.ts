import { describe, expect, it } from "vitest";
import { classifyAddress } from "@/lib/net/ip-address";
import { webhookUrlProblem } from "@/lib/net/webhook-url-policy";
import { shownDeliveryError } from "./delivery-error";

describe("shownDeliveryError", () => {
  it("shows the product's own reasons as they are", () => {
    const own = [
      "HTTP 500 from webhook",
      "HTTP 302 from webhook (redirects are not followed)",
      "timed out",
      "TLS error",
      "connection refused",
      "refused: localhost is loopback",
      ...["10.0.0.1", "::ffff:7f00:1", "100.64.0.1", "fd00:ec2::254"].map(
        (a) => `refused: ${(classifyAddress(a) as { reason: string }).reason}`,
      ),
      webhookUrlProblem("http://10.0.0.1/", []) ?? "",
    ];
    for (const reason of own) expect(shownDeliveryError(reason)).toBe(reason);
    expect(shownDeliveryError(null)).toBeNull();
  });

  it("never shows a receiver's answer stored before the egress rules", () => {
    expect(shownDeliveryError('The webhook answered 200: {"AccessKeyId":"ASIA…"}')).toBe(
      "HTTP 200 from webhook",
    );
    expect(shownDeliveryError("The webhook could not be reached: connect ECONNREFUSED 10.0.0.1:5432")).toBe(
      "delivery failed",
    );
    expect(shownDeliveryError("HTTP 500 from webhook: secret")).toBe("delivery failed");
    expect(shownDeliveryError("timed out\nsecret")).toBe("delivery failed");
  });
});
