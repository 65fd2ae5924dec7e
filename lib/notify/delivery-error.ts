// What a stored delivery error may show. Deliveries store a status code or a generic reason only
// (lib/notify/deliver-webhook.ts), but rows written before that carried up to 300 characters of the
// receiver's answer — read back through Settings and the API, that turned the webhook into an SSRF with
// read-back. So a stored text is shown only when it is one of the product's own reasons.

const OWN_REASONS = [
  /^HTTP \d{3} from webhook( \(redirects are not followed\))?$/,
  /^refused: address [0-9a-f:.]+ is [a-z() ]+( \(it carries the IPv4 address [\d.]+\))?$/i,
  /^refused: [a-z0-9.-]+ is loopback$/i,
  /^must (use https|be an https URL|be an absolute https URL)\b[^:]*$/,
  /^(timed out|TLS error|host name not resolved|connection refused|connection reset|host unreachable|network error)$/,
];

export function shownDeliveryError(stored: string | null): string | null {
  if (stored === null) return null;
  if (OWN_REASONS.some((pattern) => pattern.test(stored))) return stored;
  const legacyStatus = /^The webhook answered (\d{3})\b/.exec(stored);
  if (legacyStatus) return `HTTP ${legacyStatus[1]} from webhook`;
  return "delivery failed";
}
