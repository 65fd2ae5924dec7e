// `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database.
import { openDatabase } from "./open-database";

const db = await openDatabase({ attach: true });
console.log(
  db.migrations.applied.length
    ? `Applied ${db.migrations.applied.join(", ")}`
    : `Database is up to date (${db.migrations.total} migrations).`,
);
await db.close();
