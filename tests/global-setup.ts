// Placeholder until lib/db lands: integration tests start the embedded Postgres here.
export default async function setup(): Promise<void> {}
