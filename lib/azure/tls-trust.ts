import { rootCertificates } from "node:tls";

/**
 * The CAs to trust when a target brings its own (the emulator, a TLS-inspecting proxy): the
 * system roots plus that CA, so an extra CA never removes trust in the real Azure endpoints.
 * Undefined means "the defaults". Verification itself is never turned off.
 */
export function trustedCertificates(caPem: string | undefined): string[] | undefined {
  return caPem ? [...rootCertificates, caPem] : undefined;
}
