// Vitest runs outside the React server bundler, where `server-only` (the marker that keeps use-case modules
// out of client bundles) would throw on import. Next resolves it to an empty module under the
// "react-server" condition; the tests resolve it here to this one, which is empty for the same reason.
export {};
