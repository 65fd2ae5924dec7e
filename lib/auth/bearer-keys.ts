import {
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  errors as joseErrors,
} from "jose";

/**
 * The authority's signing keys for bearer tokens, cached. Entra rotates its keys without notice, so a token
 * naming a key we have not seen triggers one refetch — at most once per REFETCH_INTERVAL_MS, so a stream of
 * tokens with made-up `kid`s cannot turn the server into a JWKS-fetching amplifier. Keys are also refreshed
 * after MAX_AGE_MS (Microsoft advises checking for new keys daily); if that refresh fails, the keys we have
 * stay in use rather than locking every pipeline out during an authority hiccup.
 */

export const REFETCH_INTERVAL_MS = 60_000;
export const MAX_AGE_MS = 24 * 60 * 60_000;

export class SigningKeysUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SigningKeysUnavailableError";
  }
}

type Loaded = { resolve: ReturnType<typeof createLocalJWKSet>; fetchedAt: number };

export class SigningKeyCache {
  private loaded: Loaded | undefined;
  private inflight: Promise<Loaded> | undefined;
  /** How many times the key set was fetched (tests assert the refetch limit). */
  fetches = 0;

  constructor(private readonly fetchKeySet: () => Promise<JSONWebKeySet>) {}

  private refresh(now: number): Promise<Loaded> {
    // Concurrent requests share one fetch.
    this.inflight ??= (async () => {
      this.fetches++;
      try {
        const set = await this.fetchKeySet();
        this.loaded = { resolve: createLocalJWKSet(set), fetchedAt: now };
        return this.loaded;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  private async current(now: number): Promise<Loaded> {
    if (!this.loaded) return this.refresh(now);
    if (now - this.loaded.fetchedAt > MAX_AGE_MS) {
      try {
        return await this.refresh(now);
      } catch {
        return this.loaded;
      }
    }
    return this.loaded;
  }

  /** A key resolver for jose's jwtVerify, evaluated at `now`. */
  resolver(now: number) {
    return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
      let loaded: Loaded;
      try {
        loaded = await this.current(now);
      } catch (error) {
        throw new SigningKeysUnavailableError(
          `The authority's signing keys cannot be read: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      try {
        return await loaded.resolve(header, token);
      } catch (error) {
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        if (now - loaded.fetchedAt < REFETCH_INTERVAL_MS) throw error;
        let refreshed: Loaded;
        try {
          refreshed = await this.refresh(now);
        } catch {
          throw error; // the authority is down: the unknown key stays unknown
        }
        return refreshed.resolve(header, token);
      }
    };
  }
}
