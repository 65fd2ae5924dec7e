import { describe, expect, it } from "vitest";
import { classifyAddress } from "./ip-address";
import { isAllowListed, parseAllowHttpHosts, refusal, webhookUrlProblem } from "./webhook-url-policy";

describe("webhookUrlProblem without an allow-list", () => {
  it.each([
    // the probe's URLs (issue 18, finding 1)
    ["http://169.254.169.254/metadata/instance?api-version=2021-02-01", /must use https/],
    ["http://[fd00:ec2::254]/latest/meta-data/", /must use https/],
    ["http://10.0.0.1/", /must use https/],
    ["http://localhost:5432/", /must use https/],
    // https to a refused address, in every form the URL parser normalizes to it
    ["https://169.254.169.254/metadata", /^refused: address 169\.254\.169\.254 is metadata$/],
    ["https://[fd00:ec2::254]/", /^refused: address fd00:ec2::254 is metadata$/],
    ["https://168.63.129.16/machine", /^refused: address 168\.63\.129\.16 is metadata$/],
    ["https://10.0.0.1/hook", /^refused: address 10\.0\.0\.1 is private$/],
    ["https://2130706433/", /^refused: address 127\.0\.0\.1 is loopback$/], // decimal
    ["https://0x7f.1/", /^refused: address 127\.0\.0\.1 is loopback$/], // hex
    ["https://017700000001/", /^refused: address 127\.0\.0\.1 is loopback$/], // octal
    ["https://0251.0376.0251.0376/", /^refused: address 169\.254\.169\.254 is metadata$/],
    ["https://[::ffff:127.0.0.1]/", /loopback \(it carries the IPv4 address 127\.0\.0\.1\)/],
    ["https://[::ffff:a9fe:a9fe]/", /metadata/],
    ["https://[::]/", /unspecified/],
    ["https://0.0.0.0/", /unspecified/],
    ["https://100.64.1.1/", /shared \(CGNAT\)/],
    ["https://localhost/hook", /^refused: localhost is loopback$/],
    ["https://localhost.:8443/hook", /^refused: localhost is loopback$/],
    ["https://api.localhost/hook", /^refused: api\.localhost is loopback$/],
    ["ftp://example.com/hook", /must be an https URL/],
    ["not a url", /must be an absolute https URL/],
  ])("%s", (url, message) => {
    expect(webhookUrlProblem(url, [])).toMatch(message);
  });

  it.each([
    "https://hooks.slack.com/services/T000/B000/XXXX",
    "https://contoso.webhook.office.com/webhookb2/abc",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
  ])("accepts %s", (url) => {
    expect(webhookUrlProblem(url, [])).toBeNull();
  });
});

describe("the http allow-list (ATLAS_WEBHOOK_ALLOW_HTTP_HOSTS)", () => {
  const allow = parseAllowHttpHosts("relay.monitoring.svc:8080, 10.1.2.3, [fd12::5]:9000, Hooks.Internal");

  it("parses host[:port] entries, normalized", () => {
    expect(allow).toEqual([
      { host: "relay.monitoring.svc", port: 8080 },
      { host: "10.1.2.3", port: null },
      { host: "[fd12::5]", port: 9000 },
      { host: "hooks.internal", port: null },
    ]);
    expect(parseAllowHttpHosts("")).toEqual([]);
    expect(parseAllowHttpHosts(undefined)).toEqual([]);
  });

  it.each([
    "http://relay/x",
    "relay:0",
    "relay:70000",
    "user@relay",
    "[fd12::5",
    "169.254.169.254",
    "[fd00:ec2::254]:80",
    "0.0.0.0",
  ])("refuses the entry %s", (entry) => {
    expect(() => parseAllowHttpHosts(entry)).toThrow(entry);
  });

  it("allows http, and private addresses, to listed hosts only — and on the listed port", () => {
    expect(webhookUrlProblem("http://relay.monitoring.svc:8080/hook", allow)).toBeNull();
    expect(webhookUrlProblem("http://relay.monitoring.svc:8081/hook", allow)).toMatch(/must use https/);
    expect(webhookUrlProblem("http://10.1.2.3/hook", allow)).toBeNull();
    expect(webhookUrlProblem("https://10.1.2.3:8443/hook", allow)).toBeNull();
    expect(webhookUrlProblem("http://10.1.2.4/hook", allow)).toMatch(/must use https/);
    expect(webhookUrlProblem("http://[fd12::5]:9000/", allow)).toBeNull();
    expect(webhookUrlProblem("http://HOOKS.internal./", allow)).toBeNull();
    expect(isAllowListed(new URL("https://relay.monitoring.svc:8080/"), allow)).toBe(true);
    expect(isAllowListed(new URL("https://relay.monitoring.svc/"), allow)).toBe(false);
  });

  it("never lets a listed host reach metadata, link-local or reserved addresses", () => {
    expect(refusal(classifyAddress("127.0.0.1"), true)).toBeNull();
    expect(refusal(classifyAddress("10.0.0.1"), true)).toBeNull();
    expect(refusal(classifyAddress("fd12::1"), true)).toBeNull();
    expect(refusal(classifyAddress("100.64.0.1"), true)).toBeNull();
    for (const address of [
      "169.254.169.254",
      "fd00:ec2::254",
      "168.63.129.16",
      "169.254.1.1",
      "0.0.0.0",
      "224.0.0.1",
    ]) {
      expect(refusal(classifyAddress(address), true)).toMatch(/^refused: /);
    }
  });
});
