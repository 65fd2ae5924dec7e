import { z } from "zod";

// The shapes a drift webhook can be sent in. Owned by lib/notify, which renders them; lib/jobs (the
// settings) imports them from here, so the dependency points one way: jobs → notify.
export const webhookFormatSchema = z.enum(["auto", "slack", "teams", "generic"]);
export type WebhookFormat = z.infer<typeof webhookFormatSchema>;
