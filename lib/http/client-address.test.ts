import { afterEach, describe, expect, it, vi } from "vitest";
import { clientAddressFrom, normalizeAddress, parseTrustedProxies, peerAddress, TrustedProxiesError } from "./client-address";
import { requestIdFrom, validRequestId } from "./request-id";

const TOKEN = "c0ffee";
const from = (peer: string | null, forwarded?: string, token = TOKEN) =>
  new Headers({ ...(peer !== null ? { "x-shipcheck-peer": `${token} ${peer}` } : {}), ...(forwarded !== undefined ? { "x-forwarded-for": forwarded } : {}) });

afterEach(() => vi.unstubAllEnvs());

describe("the peer address", () => {
  it("is believed only with this process's token, so a client cannot send its own", () => {
    vi.stubEnv("SHIPCHECK_PEER_TOKEN", TOKEN);
    expect(peerAddress(from("192.0.2.1"))).toBe("192.0.2.1");
    expect(peerAddress(from("192.0.2.1", undefined, "guess"))).toBeNull();
    expect(peerAddress(new Headers({ "x-shipcheck-peer": "192.0.2.1" }))).toBeNull();
    expect(peerAddress(from(null))).toBeNull();
    vi.stubEnv("SHIPCHECK_PEER_TOKEN", "");
    expect(peerAddress(new Headers({ "x-shipcheck-peer": " 192.0.2.1" }))).toBeNull();
  });

  it("is an IP address, IPv4-mapped IPv6 unwrapped", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("203.0.113.7:8080")).toBe("203.0.113.7");
    for (const bad of ["", "unknown", "<script>", "999.1.1.1", "1.2.3", "evil.example", "1.2.3.4, 5.6.7.8"]) expect(normalizeAddress(bad)).toBeNull();
  });
});

describe("the client address", () => {
  it("is the peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    vi.stubEnv("SHIPCHECK_PEER_TOKEN", TOKEN);
    const none = parseTrustedProxies(undefined);
    expect(clientAddressFrom(from("192.0.2.1", "203.0.113.7"), none)).toBe("192.0.2.1");
    expect(clientAddressFrom(from("::ffff:192.0.2.1", "203.0.113.7"), none)).toBe("192.0.2.1");
    expect(clientAddressFrom(from(null, "203.0.113.7"), none)).toBeNull();
  });

  it("behind trusted proxies is the rightmost hop none of them is, so a client's own entries count for nothing", () => {
    vi.stubEnv("SHIPCHECK_PEER_TOKEN", TOKEN);
    const trusted = parseTrustedProxies("10.0.0.0/8, 127.0.0.1, ::1");
    // client → 10.1.1.1 (edge proxy) → 10.2.2.2 (inner proxy) → us
    expect(clientAddressFrom(from("10.2.2.2", "203.0.113.7, 10.1.1.1"), trusted)).toBe("203.0.113.7");
    // The client wrote a first entry itself; the edge proxy appended the real one.
    expect(clientAddressFrom(from("10.2.2.2", "1.1.1.1, 198.51.100.4, 10.1.1.1"), trusted)).toBe("198.51.100.4");
    expect(clientAddressFrom(from("::1", "2001:db8::7"), trusted)).toBe("2001:db8::7");
    // No header, or only trusted hops: the nearest address we have.
    expect(clientAddressFrom(from("10.2.2.2"), trusted)).toBe("10.2.2.2");
    expect(clientAddressFrom(from("10.2.2.2", "10.1.1.1"), trusted)).toBe("10.1.1.1");
    // A garbled hop: nothing left of it can be believed.
    expect(clientAddressFrom(from("10.2.2.2", "203.0.113.7, <script>, 10.1.1.1"), trusted)).toBe("10.1.1.1");
    // A peer outside the list is the client, even with the header.
    expect(clientAddressFrom(from("192.0.2.50", "203.0.113.7"), trusted)).toBe("192.0.2.50");
  });

  it("refuses a trusted-proxy list it cannot read, naming the entry", () => {
    for (const bad of ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/2", "::1/129", "10.0.0.0/x"]) {
      expect(() => parseTrustedProxies(bad)).toThrow(TrustedProxiesError);
      expect(() => parseTrustedProxies(bad)).toThrow(`"${bad}"`);
    }
    expect(() => parseTrustedProxies(" 10.0.0.0/8 ,, 2001:db8::/32 ")).not.toThrow();
  });
});

describe("request ids", () => {
  it("keeps a plausible caller id and replaces anything else", () => {
    for (const good of ["3f1c2d9e-6a8b-4c1d-9e2f-0a1b2c3d4e5f", "Root=1-5759e988-bd862e3fe1be46a994272793", "build.42:step/3"]) expect(requestIdFrom(good)).toBe(good);
    for (const bad of ["", "a\nb", "x".repeat(129), "<script>alert(1)</script>", "id with spaces", "-leading"]) {
      expect(validRequestId(bad)).toBeNull();
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
