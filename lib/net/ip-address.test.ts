import { describe, expect, it } from "vitest";
import { classifyAddress, ipv6Bytes } from "./ip-address";

// Ranges: IANA IPv4/IPv6 special-purpose address registries
// (https://www.iana.org/assignments/iana-ipv4-special-registry/, …/iana-ipv6-special-registry/), RFC 6598
// (100.64/10), RFC 4193 (fc00::/7), RFC 4291 §2.5.5 (IPv4-compatible and -mapped), RFC 6052 (64:ff9b::/96),
// RFC 3056 (6to4). Metadata: Azure IMDS 169.254.169.254 and wireserver 168.63.129.16
// (https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16), AWS IMDS over IPv6
// fd00:ec2::254 (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html).

describe("classifyAddress refuses every non-public class", () => {
  it.each([
    // IPv4
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["169.254.169.254", "metadata"],
    ["168.63.129.16", "metadata"],
    ["100.100.100.200", "metadata"],
    ["169.254.0.1", "link-local"],
    ["169.254.170.2", "link-local"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared (CGNAT)"],
    ["100.127.255.255", "shared (CGNAT)"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"],
    ["198.18.0.1", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["192.0.0.8", "reserved"],
    // IPv6
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456:789a::1", "unique-local"],
    ["fd00:ec2::254", "metadata"],
    ["[fd00:ec2::254]", "metadata"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["100::1", "reserved"],
    ["fec0::1", "reserved"],
    ["4000::1", "reserved"],
    // IPv4-mapped, -compatible, -translated, NAT64 and 6to4 forms: the embedded IPv4 decides
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:c0a8:101", "private"],
    ["::ffff:0.0.0.0", "unspecified"],
    ["::127.0.0.1", "loopback"],
    ["::7f00:1", "loopback"],
    ["::a00:1", "private"],
    ["::ffff:0:7f00:1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a00:1::1", "private"],
    ["2002:a83f:8110::", "metadata"],
  ])("%s is %s", (address, klass) => {
    const verdict = classifyAddress(address);
    expect(verdict).toMatchObject({ allowed: false, class: klass });
    expect(verdict.allowed ? "" : verdict.reason).toContain(klass);
  });

  it("says which IPv4 address an IPv6 form carries", () => {
    expect(classifyAddress("::ffff:7f00:1")).toMatchObject({
      reason: "address ::ffff:7f00:1 is loopback (it carries the IPv4 address 127.0.0.1)",
    });
    expect(classifyAddress("10.0.0.1")).toMatchObject({ reason: "address 10.0.0.1 is private" });
  });

  it("refuses what is not an address at all rather than failing open", () => {
    for (const junk of ["", "localhost", "1.2.3", "::g", "example.com"]) {
      expect(classifyAddress(junk)).toMatchObject({ allowed: false, class: "reserved" });
    }
  });
});

describe("classifyAddress allows public addresses", () => {
  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "52.239.1.1", // Azure
    "20.42.65.92",
    "13.107.6.171", // Microsoft (Teams webhooks)
    "34.117.59.81",
    "100.63.255.255", // just below CGNAT
    "100.128.0.0", // just above
    "172.15.255.255",
    "172.32.0.0",
    "169.253.255.255",
    "168.63.129.17",
    "223.255.255.255",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "2a01:111:f100:3000::a83e:1", // Microsoft
    "::ffff:8.8.8.8",
    "::ffff:808:808",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("%s", (address) => {
    expect(classifyAddress(address)).toEqual({ allowed: true, address });
  });
});

describe("ipv6Bytes", () => {
  it("expands every textual form to the same sixteen bytes", () => {
    const loopbackMapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1];
    expect(ipv6Bytes("::ffff:127.0.0.1")).toEqual(loopbackMapped);
    expect(ipv6Bytes("::ffff:7f00:1")).toEqual(loopbackMapped);
    expect(ipv6Bytes("0:0:0:0:0:ffff:7f00:0001")).toEqual(loopbackMapped);
    expect(ipv6Bytes("[::FFFF:7F00:1]")).toEqual(loopbackMapped);
    expect(ipv6Bytes("fe80::1%eth0")?.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(ipv6Bytes("127.0.0.1")).toBeNull();
  });
});
