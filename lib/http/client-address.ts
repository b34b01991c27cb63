// Who is on the other end of a request. The address of the connection's peer comes from our own
// server (scripts/server.mjs sets `x-shipcheck-peer` with a per-process token; a client cannot
// forge it). X-Forwarded-For is a client's claim unless that peer is a proxy named in
// SHIPCHECK_TRUSTED_PROXIES: only then is it read, from the right, skipping trusted hops, so the
// first address no trusted proxy vouches for is the client. Sign-in throttling and the audit
// trail's recorded address both come from here, so neither can be dodged by sending a header.
import { BlockList, isIP } from "node:net";

export const PEER_HEADER = "x-shipcheck-peer";
export const TRUSTED_PROXIES_ENV = "SHIPCHECK_TRUSTED_PROXIES";

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag | undefined, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(name: string): string | null }).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return (Array.isArray(value) ? value.join(",") : value) ?? null;
}

/** `::ffff:10.0.0.1` is the IPv4 address it wraps; anything that is not an address is null. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  // "[2001:db8::1]:443" and "10.0.0.1:443", as some proxies write them.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(value);
  if (mapped) value = mapped[1]!;
  return isIP(value) ? value.toLowerCase() : null;
}

export class TrustedProxiesError extends Error {}

/** SHIPCHECK_TRUSTED_PROXIES: addresses and CIDR ranges, comma-separated ("10.0.0.0/8, ::1"). */
export function parseTrustedProxies(value: string | undefined): BlockList {
  const list = new BlockList();
  for (const entry of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const [address, bits, extra] = entry.split("/");
    const normalized = normalizeAddress(address);
    const family = normalized ? (isIP(normalized) === 6 ? "ipv6" : "ipv4") : null;
    const prefix = bits === undefined ? null : Number(bits);
    const maxBits = family === "ipv6" ? 128 : 32;
    if (!normalized || !family || extra !== undefined || (prefix !== null && (!/^\d{1,3}$/.test(bits!) || prefix > maxBits))) {
      throw new TrustedProxiesError(`${TRUSTED_PROXIES_ENV}: "${entry}" is not an IP address or a CIDR range (say 10.0.0.0/8 or ::1)`);
    }
    if (prefix === null) list.addAddress(normalized, family);
    else list.addSubnet(normalized, prefix, family);
  }
  return list;
}

let cached: { value: string | undefined; list: BlockList } | null = null;

function trustedProxies(): BlockList {
  const value = process.env[TRUSTED_PROXIES_ENV];
  if (!cached || cached.value !== value) {
    // Checked at start-up too (lib/env.ts): here a bad value trusts nothing rather than failing a request.
    let list: BlockList;
    try {
      list = parseTrustedProxies(value);
    } catch {
      list = new BlockList();
    }
    cached = { value, list };
  }
  return cached.list;
}

const familyOf = (address: string) => (isIP(address) === 6 ? "ipv6" : "ipv4");

/** The connection's peer, as our server saw it; null when the request did not come through it. */
export function peerAddress(headers: HeaderBag | undefined): string | null {
  const token = process.env.SHIPCHECK_PEER_TOKEN;
  const value = header(headers, PEER_HEADER);
  if (!token || !value) return null;
  const space = value.indexOf(" ");
  if (space < 0 || value.slice(0, space) !== token) return null;
  return normalizeAddress(value.slice(space + 1));
}

/**
 * The client's address: the peer, or, when the peer is a trusted proxy, the rightmost
 * X-Forwarded-For entry that is not itself a trusted proxy. Null when nothing is known.
 */
export function clientAddressFrom(headers: HeaderBag | undefined, trusted: BlockList = trustedProxies()): string | null {
  const peer = peerAddress(headers);
  if (!peer) return null;
  const isTrusted = (address: string) => trusted.check(address, familyOf(address));
  if (!isTrusted(peer)) return peer;
  const hops = (header(headers, "x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]);
    // A garbled entry: nothing further left can be believed, so the last good hop is the answer.
    if (!hop) break;
    client = hop;
    if (!isTrusted(hop)) break;
  }
  return client;
}
